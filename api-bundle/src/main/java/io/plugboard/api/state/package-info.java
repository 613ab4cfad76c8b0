/**
 * State handover across updates: the host keeps data, plugins keep logic. A stopping plugin
 * hands its state to the host; its next version, starting, receives it together with the version
 * it replaces.
 */
@Export
@Version("1.0.0")
package io.plugboard.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
