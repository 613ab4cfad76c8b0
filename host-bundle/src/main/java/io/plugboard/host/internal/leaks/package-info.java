/** Finds what an old plugin version leaves behind after it stops: threads still running its code. */
package io.plugboard.host.internal.leaks;
