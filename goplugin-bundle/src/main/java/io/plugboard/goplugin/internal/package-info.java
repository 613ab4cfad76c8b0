/**
 * Out-of-process plugins: reads {@code *.goplugin} descriptors, supervises one child process per
 * plugin (restart with backoff, liveness, no orphans) and registers each as a Plugboard plugin
 * service (a go-plugin KV plugin becomes a {@code KeyValueStore}).
 */
package io.plugboard.goplugin.internal;
