package io.plugboard.runtime;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.hooks.weaving.WovenClassListener;

/**
 * The training start's own step (only with {@code -Dplugboard.cds.training=true}, which the build
 * sets for the start that writes plugboard.jsa; see runtime/pom.xml): links every class the
 * bundles' class loaders defined, so that the class archive holds them.
 *
 * <p>Why: Java 17's dynamic archive ({@code -XX:ArchiveClassesAtExit}) links the classes of the
 * JDK's own loaders itself before it writes the archive, but not those of other loaders
 * ({@code MetaspaceShared::linking_required} is false for them), and it leaves out every class that
 * is loaded but not linked ("Skipping ...: Not linked" in {@code -Xlog:cds}). A bundle loads many
 * classes only to verify others (exception and parameter types) or as a super type, without
 * linking them: about 290 of them, 250 of the go-plugin bundle's gRPC, Netty and protobuf, were
 * then read and parsed anew at every start (not verified: a start does not link them either).
 * Linked here, they are archived, and a start maps them: Felix still reads each class's bytes, the
 * JVM finds the archived class by name, size and CRC ({@code SystemDictionaryShared::lookup_from_stream})
 * and skips the parse. Most of them load for kv.go's first call, after the first plugin call of a
 * start, so this saves CPU (about 15-25 ms less in defineClass per run) more than time to that call.
 *
 * <p>How: a weaving hook that changes nothing makes Felix tell its {@link WovenClassListener}s of
 * every class a bundle defines; the listener keeps them until {@link #linkDefinedClasses}.
 * Reflection links a class without initialising it (the JVM links a class before it lists its
 * fields), so no static initialiser runs that a real start would not run.
 */
final class ArchiveTraining implements WeavingHook, WovenClassListener {

    /** The system property that makes a start a training start. */
    static final String PROPERTY = "plugboard.cds.training";

    private final List<Class<?>> defined = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private ArchiveTraining() {
    }

    /**
     * Starts noting the classes that bundles define, if this is a training start (else null).
     * Called before any bundle is started, with the system bundle's context.
     */
    static ArchiveTraining startIfTraining(BundleContext systemContext) {
        if (!Boolean.getBoolean(PROPERTY)) {
            return null;
        }
        ArchiveTraining training = new ArchiveTraining();
        training.registrations.add(systemContext.registerService(WeavingHook.class, training, null));
        training.registrations.add(systemContext.registerService(WovenClassListener.class, training, null));
        return training;
    }

    @Override
    public void weave(WovenClass wovenClass) {
        // Nothing to change: the hook is there so that Felix reports each defined class to modified().
    }

    @Override
    public void modified(WovenClass wovenClass) {
        if (wovenClass.getState() == WovenClass.DEFINED) {
            synchronized (defined) {
                defined.add(wovenClass.getDefinedClass());
            }
        }
    }

    /**
     * Stops noting and links every class noted so far; returns how many were linked now and how
     * many could not be (a missing optional dependency fails the verification of a class that
     * uses it: the archive leaves that one out, as before). Linking loads more classes (the ones
     * verification checks), not noted any more: a real start does not need what only this needs.
     */
    Result linkDefinedClasses() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // The framework unregistered it already.
            }
        }
        registrations.clear();
        List<Class<?>> classes;
        synchronized (defined) {
            classes = new ArrayList<>(defined);
            defined.clear();
        }
        int failed = 0;
        for (Class<?> type : classes) {
            try {
                type.getDeclaredFields();
            } catch (LinkageError | SecurityException e) {
                failed++;
            }
        }
        return new Result(classes.size() - failed, failed);
    }

    /** What {@link #linkDefinedClasses} did. */
    record Result(int linked, int failed) {
    }
}
