/**
 * What every plugin publishes about itself: its name and its type, as service properties.
 *
 * <p>A plugin is a service registered with {@value io.plugboard.api.PluginProperties#NAME} and
 * {@value io.plugboard.api.PluginProperties#TYPE}; its version is the version of its bundle, or
 * {@value io.plugboard.api.PluginProperties#VERSION} for a plugin that is not a bundle.
 */
@Export
@Version("1.2.0")
package io.plugboard.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
