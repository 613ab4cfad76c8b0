/** A greeter, the plugin type {@value io.plugboard.api.greeter.Greeter#TYPE}. */
@Export
@Version("1.0.0")
package io.plugboard.api.greeter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
