package io.plugboard.host.internal.log;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** Which log entries the printer takes for framework service events, which it leaves out below WARN. */
public class ServiceEventLoggerTest {

    @Test
    public void felixLogNamesTheLoggerAfterTheRegisteringBundle() {
        // What org.apache.felix.log 1.3 writes: "Events.Service." + the symbolic name.
        assertTrue(LogPrinter.isServiceEvent("Events.Service.io.plugboard.host"));
        assertTrue(LogPrinter.isServiceEvent("Events.Service.org.apache.felix.scr"));
    }

    @Test
    public void theSpecsNameAloneCountsToo() {
        assertTrue(LogPrinter.isServiceEvent("Events.Service"));
    }

    @Test
    public void otherLoggersAreNotServiceEvents() {
        assertFalse(LogPrinter.isServiceEvent("Events.Bundle.io.plugboard.host"));
        assertFalse(LogPrinter.isServiceEvent("Events.ServiceX"));
        assertFalse(LogPrinter.isServiceEvent("io.plugboard.host.Events.Service"));
        assertFalse(LogPrinter.isServiceEvent("plugin:kv.go 1.0.0"));
        assertFalse(LogPrinter.isServiceEvent(null));
    }
}
