/**
 * State handover across updates: the host keeps data, plugins keep logic. A stopping plugin
 * hands its state to the host; its next version, starting, receives it together with the version
 * it replaces ({@link io.plugboard.api.state.StateHandover}). Since 1.1, two versions running
 * side by side can also hand state from one to the other while both run, when the host switches
 * between them ({@link io.plugboard.api.state.LiveStateHandover}).
 */
@Export
@Version("1.1.0")
package io.plugboard.api.state;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
