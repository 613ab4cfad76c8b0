package io.plugboard.host.internal.weaving;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Registers the {@link ExitCallHook} while the host runs. The installer requires this component,
 * so the hook is in place before any plugin starts (and loads a class).
 *
 * <p>The hook is registered as a plain object, not as a DS service: the framework gets and
 * ungets a weaving hook for every class it defines, and a DS service would be created within
 * the definition of its own class (a cycle, which Felix reports) and, being delayed, disposed of
 * after each class.
 */
@Component(service = ExitCallGuard.class, immediate = true)
public final class ExitCallGuard {

    private final ServiceRegistration<WeavingHook> registration;

    /** Registers the hook with the framework. */
    @Activate
    public ExitCallGuard(BundleContext context, @Reference(name = "logger", service = LoggerFactory.class) Logger logger) {
        registration = context.registerService(WeavingHook.class, new ExitCallHook(context.getBundle(), logger), null);
    }

    /** Takes the hook away: classes defined from now on are not rewritten. */
    @Deactivate
    public void deactivate() {
        registration.unregister();
    }
}
