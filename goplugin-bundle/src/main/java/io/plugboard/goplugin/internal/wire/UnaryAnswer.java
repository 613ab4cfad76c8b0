package io.plugboard.goplugin.internal.wire;

import java.util.concurrent.locks.LockSupport;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The answer to one unary call, filled in on the event loop and waited for by the one thread
 * that made the call; the event loop unparks that thread only if it did park. Not a spin before
 * parking: on two cores, measured against kv-go under load, a 50 µs spin made calls slower and
 * cost CPU, as the spinning caller took the core the plugin and the event loop needed. The event
 * loop polls instead ({@link BriefSpin}): one polling thread, not one per caller.
 */
final class UnaryAnswer<R> extends ClientCall.Listener<R> {

    /** The thread to wake; set before {@link #parked}, which publishes it. */
    private Thread caller;
    /** Written by the event loop before {@link #status}, read by the caller after it. */
    private R value;
    private Metadata trailers;
    private Throwable failure;
    /** Null until the call closed: publishes value and trailers. */
    private volatile Status status;
    /** Set by the caller before it parks, so that the event loop knows to unpark it. */
    private volatile boolean parked;

    UnaryAnswer(Thread caller) {
        this.caller = caller;
    }

    @Override
    public void onMessage(R message) {
        if (value != null) {
            // As ClientCalls' unary future: gRPC cancels the call with this as the cause.
            throw Status.INTERNAL.withDescription("More than one value received for unary call").asRuntimeException();
        }
        value = message;
    }

    @Override
    public void onClose(Status closed, Metadata closedTrailers) {
        if (status != null) {
            return;
        }
        trailers = closedTrailers;
        status = closed;
        if (parked) {
            LockSupport.unpark(caller);
        }
    }

    /** Ends the call with what starting it threw (on the event loop); the caller throws it. */
    void fail(Throwable thrown) {
        if (status == null) {
            failure = thrown;
            onClose(Status.INTERNAL.withCause(thrown), new Metadata());
        }
    }

    /** Waits until the call closed; false if the caller was interrupted (before or while waiting); clears the interrupt. */
    boolean await() {
        if (Thread.interrupted()) {
            return false;
        }
        if (status == null) {
            parked = true;
            while (status == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Waits, on whichever thread calls this, until the call closed or {@code System.nanoTime()}
     * reaches {@code end}: for a call started ahead by another thread. False if it did not close
     * by then or the caller is interrupted (the interrupt is kept).
     */
    boolean awaitUntil(long end) {
        caller = Thread.currentThread();
        parked = true;
        while (status == null) {
            long left = end - System.nanoTime();
            if (left <= 0 || caller.isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }

    /** The answer of a closed call; throws the status it closed with if that was not OK. */
    R value() {
        Status closed = status;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (!closed.isOk()) {
            throw closed.asRuntimeException(trailers);
        }
        if (value == null) {
            throw Status.INTERNAL.withDescription("No value received for unary call").asRuntimeException(trailers);
        }
        return value;
    }
}
