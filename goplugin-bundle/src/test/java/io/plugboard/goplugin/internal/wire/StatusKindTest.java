package io.plugboard.goplugin.internal.wire;

import static org.junit.Assert.assertEquals;

import java.nio.channels.ClosedChannelException;

import org.junit.Test;

import io.grpc.Status;
import io.plugboard.goplugin.internal.wire.KvCallException.Kind;

/** How a call's status is classified: whose fault it was decides whether the caller may retry. */
public class StatusKindTest {

    @Test
    public void aConnectionClosedUnderTheCallIsUnavailableNotAPluginError() {
        // What grpc-netty reports when the plugin process dies while a call is in flight.
        ClosedChannelException closed = new ClosedChannelException();
        closed.initCause(new ClosedChannelException());
        assertEquals(Kind.UNAVAILABLE,
                PluginChannel.kind(Status.UNKNOWN.withDescription("channel closed").withCause(closed)));
    }

    @Test
    public void anUnknownStatusFromThePluginIsItsError() {
        assertEquals(Kind.PLUGIN_ERROR, PluginChannel.kind(Status.UNKNOWN.withDescription("disk full")));
    }

    @Test
    public void deadlinesAndUnavailableKeepTheirKinds() {
        assertEquals(Kind.DEADLINE, PluginChannel.kind(Status.DEADLINE_EXCEEDED));
        assertEquals(Kind.UNAVAILABLE, PluginChannel.kind(Status.UNAVAILABLE));
        assertEquals(Kind.UNAVAILABLE, PluginChannel.kind(Status.CANCELLED));
        assertEquals(Kind.PLUGIN_ERROR, PluginChannel.kind(Status.INTERNAL));
    }
}
