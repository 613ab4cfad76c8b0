/** Upper-cases text: a library some plugin needs, in a bundle of its own. */
@Export
@Version("1.0.0")
package io.plugboard.shout;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
