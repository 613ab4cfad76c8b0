package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import io.plugboard.goplugin.internal.RestartPolicy.Decision;
import io.plugboard.goplugin.internal.RestartPolicy.Done;
import io.plugboard.goplugin.internal.RestartPolicy.GiveUp;
import io.plugboard.goplugin.internal.RestartPolicy.Mode;
import io.plugboard.goplugin.internal.RestartPolicy.Restart;

public class RestartPolicyTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final Duration SHORT_RUN = Duration.ofSeconds(1);

    private static RestartPolicy policy(Mode mode) {
        return new RestartPolicy(mode, RestartPolicy.Limits.DEFAULT);
    }

    @Test
    public void backoffDoublesFrom200MillisecondsUpTo10Seconds() {
        RestartPolicy policy = policy(Mode.ALWAYS);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(policy.backoff(i).toMillis());
        }
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L), delays);
        assertEquals(10_000L, policy.backoff(10_000).toMillis());
    }

    @Test
    public void failuresAreRestartedWithGrowingDelaysUntilTheBudgetIsSpent() {
        RestartPolicy policy = policy(Mode.ON_FAILURE);
        List<Long> delays = new ArrayList<>();
        Instant now = T0;
        for (int i = 1; i <= 5; i++) {
            Decision decision = policy.onEnd(true, SHORT_RUN, now, "exit code 2");
            Restart restart = (Restart) decision;
            assertEquals(i, restart.restartsInWindow());
            delays.add(restart.delay().toMillis());
            now = now.plusSeconds(5);
        }
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L), delays);
        Decision sixth = policy.onEnd(true, SHORT_RUN, now, "killed by SIGKILL");
        assertEquals(new GiveUp("restarted 5 times in 60 s, last exit killed by SIGKILL"), sixth);
    }

    @Test
    public void restartsOlderThanTheWindowNoLongerCount() {
        RestartPolicy policy = policy(Mode.ALWAYS);
        for (int i = 0; i < 5; i++) {
            policy.onEnd(true, SHORT_RUN, T0.plusSeconds(i), "exit code 1");
        }
        // 60 s after the first restart, that one has left the window: one more is allowed.
        Decision later = policy.onEnd(true, SHORT_RUN, T0.plusSeconds(60), "exit code 1");
        assertTrue(later.toString(), later instanceof Restart);
        assertTrue(policy.onEnd(true, SHORT_RUN, T0.plusSeconds(60), "exit code 1") instanceof GiveUp);
    }

    @Test
    public void aLongRunStartsTheBackoffOver() {
        RestartPolicy policy = policy(Mode.ALWAYS);
        assertEquals(200, ((Restart) policy.onEnd(true, SHORT_RUN, T0, "x")).delay().toMillis());
        assertEquals(400, ((Restart) policy.onEnd(true, SHORT_RUN, T0.plusSeconds(1), "x")).delay().toMillis());
        Restart afterLongRun = (Restart) policy.onEnd(true, Duration.ofMinutes(5), T0.plusSeconds(301), "x");
        assertEquals(200, afterLongRun.delay().toMillis());
    }

    @Test
    public void onFailureLeavesACleanExitAlone() {
        Decision decision = policy(Mode.ON_FAILURE).onEnd(false, SHORT_RUN, T0, "exit code 0");
        assertEquals(new Done("ended by itself (exit code 0) and restart on-failure does not restart a clean exit"),
                decision);
    }

    @Test
    public void alwaysRestartsEvenACleanExit() {
        assertTrue(policy(Mode.ALWAYS).onEnd(false, SHORT_RUN, T0, "exit code 0") instanceof Restart);
    }

    @Test
    public void neverRestarts() {
        RestartPolicy policy = policy(Mode.NEVER);
        assertEquals(new GiveUp("ended (exit code 2) and restart is never"),
                policy.onEnd(true, SHORT_RUN, T0, "exit code 2"));
        assertEquals(new Done("ended by itself (exit code 0) and restart is never"),
                policy.onEnd(false, SHORT_RUN, T0, "exit code 0"));
    }

    @Test
    public void resetGivesTheWholeBudgetBack() {
        RestartPolicy policy = policy(Mode.ALWAYS);
        for (int i = 0; i < 5; i++) {
            policy.onEnd(true, SHORT_RUN, T0, "x");
        }
        policy.reset();
        Restart restart = (Restart) policy.onEnd(true, SHORT_RUN, T0, "x");
        assertEquals(1, restart.restartsInWindow());
        assertEquals(200, restart.delay().toMillis());
    }

    @Test
    public void modesAreReadFromTheirWords() {
        assertEquals(Mode.ALWAYS, Mode.of("always"));
        assertEquals(Mode.ON_FAILURE, Mode.of("On-Failure"));
        assertEquals(Mode.NEVER, Mode.of("never"));
        assertNull(Mode.of("sometimes"));
        assertEquals("on-failure", Mode.ON_FAILURE.word());
    }

    @Test(expected = IllegalArgumentException.class)
    public void inconsistentLimitsAreRefused() {
        new RestartPolicy.Limits(Duration.ofSeconds(2), Duration.ofSeconds(1), 5, Duration.ofSeconds(60));
    }

    @Test
    public void aWindowInMillisecondsIsWordedInMilliseconds() {
        RestartPolicy policy = new RestartPolicy(Mode.ALWAYS,
                new RestartPolicy.Limits(Duration.ZERO, Duration.ZERO, 0, Duration.ofMillis(250)));
        assertEquals(new GiveUp("restarted 0 times in 250 ms, last exit exit code 3"),
                policy.onEnd(true, SHORT_RUN, T0, "exit code 3"));
    }
}
