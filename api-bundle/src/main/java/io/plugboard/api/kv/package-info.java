/**
 * A key-value store, the plugin type {@value io.plugboard.api.kv.KeyValueStore#TYPE}: the same
 * contract as hashicorp/go-plugin's KV example ({@code Put(key, value []byte)},
 * {@code Get(key) []byte}) plus delete and listing keys.
 */
@Export
@Version("1.0.0")
package io.plugboard.api.kv;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
