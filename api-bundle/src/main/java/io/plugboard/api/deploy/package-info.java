/**
 * Plugin files that are not bundles: a bundle that runs another kind of plugin (such as
 * out-of-process plugins described by {@code *.goplugin} files) registers a
 * {@link io.plugboard.api.deploy.PluginFileHandler}; the host hands it the files of its kind from
 * the watched folder and from {@code plugin:install}, and shows what it reports.
 */
@Export
@Version("1.0.0")
package io.plugboard.api.deploy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
