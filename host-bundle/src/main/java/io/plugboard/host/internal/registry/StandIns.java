package io.plugboard.host.internal.registry;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.api.kv.KeyValueStore;

/** Makes and keeps one stand-in per plugin type and API interface. */
final class StandIns {

    /**
     * Stand-ins by API class, then type. A ClassValue, not a map keyed by class: a proxy for a
     * caller's own API would otherwise keep that caller's class loader alive after it is gone.
     */
    private final ClassValue<Map<String, Object>> byApi = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> api) {
            return new ConcurrentHashMap<>();
        }
    };

    private final Function<String, TypeSlot> slots;

    /** @param slots the slot of a type, created if needed */
    StandIns(Function<String, TypeSlot> slots) {
        this.slots = slots;
    }

    /** Returns the stand-in of the type for the API interface. */
    <S> S standIn(String type, Class<S> api) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("a plugin type is needed, e.g. " + KeyValueStore.TYPE);
        }
        if (api == null || !api.isInterface()) {
            throw new IllegalArgumentException((api == null ? "null" : api.getName())
                    + " is not an interface; give the plugin's API interface, e.g. KeyValueStore.class");
        }
        return api.cast(byApi.get(api).computeIfAbsent(type, t -> create(api, slots.apply(t))));
    }

    private static Object create(Class<?> api, TypeSlot slot) {
        // Identity, not name: a caller wired to another copy of the API gets a proxy of its own copy.
        if (api == KeyValueStore.class) {
            return new KeyValueStoreStandIn(slot);
        }
        if (api == Greeter.class) {
            return new GreeterStandIn(slot);
        }
        return Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, new ProxyStandIn(api, slot));
    }
}
