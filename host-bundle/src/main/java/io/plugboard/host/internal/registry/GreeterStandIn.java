package io.plugboard.host.internal.registry;

import io.plugboard.api.PluginStoppedException;
import io.plugboard.api.greeter.Greeter;

/**
 * The stand-in for the active {@link Greeter}: written by hand, not a proxy, so a call is one
 * volatile read, a type check and the plugin's own call, which the JIT can inline. Anything else
 * (no plugin, a stopped instance) takes {@link TypeSlot#call}.
 */
final class GreeterStandIn implements Greeter {

    private final TypeSlot slot;

    GreeterStandIn(TypeSlot slot) {
        this.slot = slot;
    }

    @Override
    public String greet(String name) {
        if (slot.target() instanceof Greeter target) {
            try {
                return target.greet(name);
            } catch (PluginStoppedException e) {
                return slot.call(Greeter.class, target, g -> g.greet(name));
            }
        }
        return slot.call(Greeter.class, null, g -> g.greet(name));
    }

    @Override
    public String toString() {
        return slot.toString();
    }
}
