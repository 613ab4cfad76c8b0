package io.plugboard.host.internal.registry;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The stand-in for an API without a hand-written one: a {@link java.lang.reflect.Proxy} handler
 * that sends each call through {@link TypeSlot#call}. Exceptions the plugin throws reach the
 * caller unwrapped; {@code equals}, {@code hashCode} and {@code toString} are the stand-in's own.
 */
final class ProxyStandIn implements InvocationHandler {

    private final Class<?> api;
    private final TypeSlot slot;

    ProxyStandIn(Class<?> api, TypeSlot slot) {
        this.api = api;
        this.slot = slot;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> slot + " (" + api.getName() + ")";
            };
        }
        return slot.call(api, null, target -> invokeOn(target, method, args));
    }

    private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            // The plugin's own exception; a PluginStoppedException makes the slot retry.
            throw e.getCause();
        }
    }
}
