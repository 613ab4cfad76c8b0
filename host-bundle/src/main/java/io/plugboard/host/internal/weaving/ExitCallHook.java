package io.plugboard.host.internal.weaving;

import org.objectweb.asm.ClassReader;
import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.service.log.Logger;

import io.plugboard.host.internal.deploy.PluginInstallerImpl;

/**
 * Keeps plugins from ending the host: as the framework defines a class of a plugin bundle, its
 * calls of {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} are rewritten to
 * throw a {@link SecurityException} naming the plugin ({@link ExitCallRewriter}), which the
 * plugin's start failure (or its component's) then reports. Java 17 deprecates the
 * SecurityManager for removal, so weaving is the way left to stop the call.
 *
 * <p>Every bundle is woven but the framework, the host and the bundles the runtime is made of
 * (installed from plugboard.jar under
 * {@value PluginInstallerImpl#RUNTIME_LOCATION_PREFIX}): so plugins are
 * covered however they came (the plugins folder, {@code plugin:install}, {@code --plugin}, Gogo's
 * {@code install}), and so are the libraries they use. Only classes whose constant pool names an
 * exit method are parsed further. {@link ExitCallGuard} registers it.
 */
public final class ExitCallHook implements WeavingHook {

    private final long hostId;
    private final Logger logger;

    /** Weaves every bundle's classes but the framework's, the runtime's and those of {@code host}. */
    public ExitCallHook(Bundle host, Logger logger) {
        this.hostId = host.getBundleId();
        this.logger = logger;
    }

    @Override
    public void weave(WovenClass woven) {
        Bundle bundle = woven.getBundleWiring().getBundle();
        if (bundle.getBundleId() == 0 || bundle.getBundleId() == hostId
                || bundle.getLocation().startsWith(PluginInstallerImpl.RUNTIME_LOCATION_PREFIX)) {
            return;
        }
        try {
            ClassReader reader = new ClassReader(woven.getBytes());
            if (ExitCallRewriter.callsExit(reader)) {
                woven.setBytes(ExitCallRewriter.rewrite(reader, describe(bundle)));
                logger.info("{} calls System.exit, Runtime.exit or Runtime.halt in {}: such a call throws a"
                        + " SecurityException instead of ending Plugboard", describe(bundle), woven.getClassName());
            }
        } catch (ExitCallRewriter.NotRewritable e) {
            logger.warn("{} may end Plugboard: {} calls System.exit, Runtime.exit or Runtime.halt, and {}",
                    describe(bundle), woven.getClassName(), e.getMessage());
        } catch (RuntimeException e) {
            // A hook that throws fails the class's definition, and Felix never calls it again: a
            // class ASM cannot read (a newer class file version) is left to the JVM to judge.
            logger.warn("{} may end Plugboard: cannot read its class {} to guard calls of System.exit: {}",
                    describe(bundle), woven.getClassName(), e.toString());
        }
    }

    /** {@code io.x 1.0.0 (bundle 26)}, as the log names plugins. */
    private static String describe(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " (bundle " + bundle.getBundleId() + ")";
    }
}
