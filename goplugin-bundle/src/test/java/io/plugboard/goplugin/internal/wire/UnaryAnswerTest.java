package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** UnaryAnswer with real threads: the caller waits, another thread plays the event loop. */
public class UnaryAnswerTest {

    private static final Metadata.Key<String> WHY = Metadata.Key.of("why", Metadata.ASCII_STRING_MARSHALLER);

    private final Thread caller = Thread.currentThread();

    @After
    public void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    public void aCallerThatParkedIsWokenByTheClose() throws Exception {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> {
            awaitParked();
            answer.onMessage("hello");
            answer.onClose(Status.OK, new Metadata());
        });
        assertTrue(answer.await());
        assertEquals("hello", answer.value());
        loop.get(10, TimeUnit.SECONDS);
    }

    @Test
    public void anAnswerThatIsThereAlreadyIsTakenWithoutWaiting() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        answer.onMessage("hello");
        answer.onClose(Status.OK, new Metadata());
        assertTrue(answer.await());
        assertEquals("hello", answer.value());
    }

    @Test
    public void aFailedCallThrowsItsStatusWithTheTrailers() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        Metadata trailers = new Metadata();
        trailers.put(WHY, "disk");
        answer.onClose(Status.NOT_FOUND.withDescription("no key"), trailers);
        assertTrue(answer.await());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, answer::value);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("no key", e.getStatus().getDescription());
        assertEquals("disk", e.getTrailers().get(WHY));
    }

    @Test
    public void anOkCloseWithoutAnAnswerIsAnInternalError() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        answer.onClose(Status.OK, new Metadata());
        assertTrue(answer.await());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, answer::value);
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertEquals("No value received for unary call", e.getStatus().getDescription());
    }

    @Test
    public void aSecondAnswerIsRefused() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        answer.onMessage("one");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> answer.onMessage("two"));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertEquals("More than one value received for unary call", e.getStatus().getDescription());
    }

    @Test
    public void whatStartingTheCallThrewIsThrownToTheCaller() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        IllegalStateException thrown = new IllegalStateException("marshaller broke");
        answer.fail(thrown);
        answer.onClose(Status.CANCELLED, new Metadata());
        assertTrue(answer.await());
        assertSame(thrown, assertThrows(IllegalStateException.class, answer::value));
    }

    @Test
    public void anInterruptedCallerDoesNotWaitAndTheInterruptIsConsumed() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        caller.interrupt();
        assertFalse(answer.await());
        assertFalse("await reports the interrupt instead of keeping it", Thread.interrupted());
    }

    @Test
    public void anInterruptWhileParkedEndsTheWait() throws Exception {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        CompletableFuture<Void> interrupter = CompletableFuture.runAsync(() -> {
            awaitParked();
            caller.interrupt();
        });
        assertFalse(answer.await());
        interrupter.get(10, TimeUnit.SECONDS);
    }

    /** Polls (bounded) until the caller is parked in await. */
    private void awaitParked() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (caller.getState() != Thread.State.WAITING) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("the caller never parked");
            }
            Thread.onSpinWait();
        }
    }
    @Test
    public void awaitUntilWakesWhicheverThreadWaits() throws Exception {
        // Made on this thread, as a check sent ahead is; waited for on another.
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(
                () -> answer.awaitUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(20)));
        Thread.sleep(50);
        answer.onMessage("late");
        answer.onClose(Status.OK, new Metadata());
        assertTrue(waiter.get(10, TimeUnit.SECONDS));
        assertEquals("late", answer.value());
    }

    @Test
    public void awaitUntilGivesUpAtTheEnd() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        assertFalse(answer.awaitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)));
        answer.onClose(Status.OK, new Metadata());
        assertTrue("closed since", answer.awaitUntil(System.nanoTime()));
    }

    @Test
    public void awaitUntilStopsForAnInterruptAndKeepsIt() {
        UnaryAnswer<String> answer = new UnaryAnswer<>(caller);
        Thread.currentThread().interrupt();
        assertFalse(answer.awaitUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(20)));
        assertTrue(Thread.currentThread().isInterrupted());
    }
}
