/**
 * The host's registry of plugins: which plugins are present and which one serves each type.
 * Used by code that calls plugins; plugins themselves do not need it.
 */
@Export
@Version("1.1.0")
package io.plugboard.api.registry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
