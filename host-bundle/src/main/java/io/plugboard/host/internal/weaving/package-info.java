/** Rewrites plugin classes as they are loaded, so that a plugin cannot end the host: calls of System.exit throw instead. */
package io.plugboard.host.internal.weaving;
