package io.plugboard.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Sets the {@value PluginProperties#TYPE} service property of a component:
 * {@code @PluginType("kv")}. The API packages define the types: {@code kv}, {@code greeter}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface PluginType {

    /** The plugin's type. */
    String value();
}
