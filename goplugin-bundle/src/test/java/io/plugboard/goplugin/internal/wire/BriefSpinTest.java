package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import io.grpc.netty.shaded.io.netty.channel.SelectStrategy;
import io.grpc.netty.shaded.io.netty.util.IntSupplier;

/** BriefSpin: when the event loop polls and when it blocks. */
public class BriefSpinTest {

    /** A non-blocking epoll that reports the given number of ready events, and counts its calls. */
    private static final class Poll implements IntSupplier {
        int ready;
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int get() {
            calls.incrementAndGet();
            return ready;
        }
    }

    @Test
    public void readyEventsAndTasksAreHandedToTheLoopAtOnce() throws Exception {
        BriefSpin spin = new BriefSpin(0);
        Poll poll = new Poll();
        poll.ready = 3;
        assertEquals(3, spin.calculateStrategy(poll, false));
        poll.ready = 0;
        assertEquals(0, spin.calculateStrategy(poll, true));
        assertEquals(2, poll.calls.get());
    }

    @Test
    public void withinTheWindowAfterWorkTheLoopPollsInsteadOfBlocking() throws Exception {
        BriefSpin spin = new BriefSpin(TimeUnit.HOURS.toNanos(1));
        Poll poll = new Poll();
        poll.ready = 1;
        spin.calculateStrategy(poll, false);
        poll.ready = 0;
        for (int i = 0; i < 1000; i++) {
            assertEquals("poll again, do not block", 0, spin.calculateStrategy(poll, false));
        }
        assertEquals(1001, poll.calls.get());
    }

    @Test
    public void onceTheWindowHasPassedWithoutWorkTheLoopBlocks() throws Exception {
        BriefSpin spin = new BriefSpin(TimeUnit.MILLISECONDS.toNanos(1));
        Poll poll = new Poll();
        spin.calculateStrategy(poll, true);
        Thread.sleep(5);
        assertEquals(SelectStrategy.SELECT, spin.calculateStrategy(poll, false));
        // Work opens the window again.
        assertEquals(0, spin.calculateStrategy(poll, true));
        assertEquals(0, spin.calculateStrategy(poll, false));
    }

    @Test
    public void aZeroWindowBlocksWheneverThereIsNothingToDo() throws Exception {
        BriefSpin spin = new BriefSpin(0);
        Poll poll = new Poll();
        poll.ready = 2;
        assertEquals(2, spin.calculateStrategy(poll, false));
        poll.ready = 0;
        assertEquals(SelectStrategy.SELECT, spin.calculateStrategy(poll, false));
    }

    @Test
    public void aNegativeWindowIsRefused() {
        assertEquals("windowNanos < 0: -1",
                assertThrows(IllegalArgumentException.class, () -> new BriefSpin(-1)).getMessage());
    }
}
