package io.plugboard.greeter.zhother;

import org.osgi.service.component.annotations.Component;

import io.plugboard.api.PluginName;
import io.plugboard.api.PluginType;
import io.plugboard.api.greeter.Greeter;

/**
 * Another bundle's greeter.zh, at the version of plugin-bundles/greeter-zh: the host refuses it
 * while that bundle is installed, as both would serve one plugin name and version.
 */
@Component
@PluginName("greeter.zh")
@PluginType(Greeter.TYPE)
public final class OtherChineseGreeter implements Greeter {

    @Override
    public String greet(String name) {
        return "(other) " + name;
    }
}
