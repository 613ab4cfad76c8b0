package io.plugboard.host.internal.log;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.osgi.framework.ServiceException;

/**
 * Which entries only repeat that a service could not be got. The texts are what Felix SCR 2.2 and
 * the Felix framework 7 logged when the registry asked for the service of a plugin whose
 * component throws in activate (the kv-memory-broken fixture).
 */
public class FailedGetRepeatsTest {

    private static final String REGISTRY = "bundle io.plugboard.host:0.1.0.SNAPSHOT (2)"
            + "[io.plugboard.host.internal.registry.PluginRegistryImpl(7)] : ";

    @Test
    public void scrsSecondReportOfAFailedGetRepeatsItsFirst() {
        for (String method : new String[] {"invokeBindMethod", "invokeUpdatedMethod", "invokeUnbindMethod"}) {
            assertTrue(method, LogPrinter.repeatsAFailedGet("io.plugboard.host", REGISTRY + "DependencyManager : "
                    + method + " : Service not available from service registry for ServiceReference"
                    + " [io.plugboard.api.kv.KeyValueStore] for reference KeyValueStore", null));
        }
    }

    @Test
    public void scrsFirstReportIsTheOneKept() {
        assertFalse(LogPrinter.repeatsAFailedGet("io.plugboard.host",
                REGISTRY + "Could not get service from ref [io.plugboard.api.kv.KeyValueStore]", null));
    }

    @Test
    public void theFrameworksEventForAComponentsFactoryThatGaveNothingRepeatsIt() {
        String factoryError = "Service factory returned null. (Component: io.plugboard.kv.broken.BrokenKeyValueStore (14))";
        // Felix Log hands the exception on as its LogException, whose message starts with the original's class.
        Throwable asFelixLogHasIt = new Exception(ServiceException.class.getName() + ": " + factoryError);
        assertTrue(LogPrinter.repeatsAFailedGet("Events.Framework.io.plugboard.host", "FrameworkEvent ERROR",
                asFelixLogHasIt));
        assertTrue(LogPrinter.repeatsAFailedGet("Events.Framework.io.plugboard.host", "FrameworkEvent ERROR",
                new ServiceException(factoryError, ServiceException.FACTORY_ERROR)));
    }

    @Test
    public void otherFailuresAreNotRepeats() {
        // A factory that is not a DS component's says nothing else about why it gave nothing.
        assertFalse(LogPrinter.repeatsAFailedGet("Events.Framework.io.plugboard.host", "FrameworkEvent ERROR",
                new ServiceException("Service factory returned null. (my.Factory@1f)", ServiceException.FACTORY_ERROR)));
        assertFalse(LogPrinter.repeatsAFailedGet("Events.Framework.io.plugboard.host", "FrameworkEvent ERROR",
                new IllegalStateException("boom")));
        assertFalse(LogPrinter.repeatsAFailedGet("Events.Framework.io.plugboard.host", "FrameworkEvent ERROR", null));
        // The same text from a plugin's own logger is the plugin's to say.
        assertFalse(LogPrinter.repeatsAFailedGet("io.plugboard.kv-memory", "FrameworkEvent ERROR",
                new ServiceException("Service factory returned null. (Component: x (1))", ServiceException.FACTORY_ERROR)));
        assertFalse(LogPrinter.repeatsAFailedGet("io.plugboard.kv-memory", "Error during instantiation of the"
                + " implementation object", new IllegalStateException("kv.memory 3.0.0 fails")));
        assertFalse(LogPrinter.repeatsAFailedGet(null, null, null));
    }
}
