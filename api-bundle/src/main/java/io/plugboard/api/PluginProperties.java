package io.plugboard.api;

/** The service property names every plugin service carries. */
public final class PluginProperties {

    /** Unique name of the plugin within its type, such as {@code kv.file}. */
    public static final String NAME = "plugin.name";

    /** The kind of service the plugin provides, such as {@code kv} or {@code greeter}. */
    public static final String TYPE = "plugin.type";

    /**
     * The plugin's version, for a service registered on behalf of a plugin that is not a bundle
     * (an out-of-process plugin); without it, the version of the registering bundle counts.
     */
    public static final String VERSION = "plugin.version";

    private PluginProperties() {
    }
}
