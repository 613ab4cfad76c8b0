package io.plugboard.api.state;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a plugin service (besides its API, e.g. {@code KeyValueStore}) that can hand its
 * state to another running version of the same plugin and take state over from one: the live
 * handover of a blue/green switch, where the new version starts beside the old one instead of
 * replacing its code. Plugins that do not implement it are switched as before, without state.
 *
 * <p>The host uses it only when the plugin that serves a type is about to change from one version
 * of a plugin to another running version of the same plugin (the same {@code plugin.name} and
 * {@code plugin.type}), and only if both implement it: when the new version registers and is the
 * newest, when {@code plugin:use} picks another version, or when the serving version is stopped
 * or uninstalled and another version of it remains. It never calls two of these methods at once.
 *
 * <ol>
 * <li>{@link #handOverLive()} on the version that serves. From its return on, that instance holds
 * nothing and refuses every call with {@link io.plugboard.api.PluginStoppedException} before
 * doing any work; the host's stand-ins retry those calls on the new version once it serves, so a
 * write made after the export is never lost. Its deactivate method must then not hand anything to
 * {@link StateHandover} (it would replace the bundle's stored state with nothing). If it throws
 * instead, it must be unchanged and keep serving.</li>
 * <li>{@link #takeOverLive(HandedOverState)} on the version that is to serve, with the exported
 * bytes and the version that exported them. It replaces whatever the instance held (it was not
 * serving, so it held nothing the callers of the type wrote) and takes calls. If it throws, it
 * must be unchanged: the host then gives the bytes back to the first version through its own
 * {@code takeOverLive}, that version keeps serving, and the host reports why the switch did not
 * happen.</li>
 * </ol>
 *
 * An instance that has handed over takes calls again when it takes state over: switching back to
 * it uses the same two calls the other way round, without restarting it. The bytes use the same
 * format as those handed to {@link StateHandover}, so one reader serves both ways.
 *
 * @since 1.1
 */
@ConsumerType
public interface LiveStateHandover {

    /**
     * Stops taking calls and returns the instance's state; afterwards every call throws
     * {@link io.plugboard.api.PluginStoppedException}. Never returns null (an empty state is an
     * empty array or whatever the format says).
     */
    byte[] handOverLive();

    /**
     * Replaces the instance's state with the state another running version handed over and
     * takes calls (again). Throws, leaving the instance unchanged, if it cannot read the state.
     */
    void takeOverLive(HandedOverState state);
}
