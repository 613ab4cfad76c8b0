package io.plugboard.host.internal.text;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Optional;

import org.junit.Test;
import org.osgi.framework.Version;

public class VersionTextTest {

    @Test
    public void anOsgiVersionIsRead() {
        assertEquals(new Version(0, 1, 0, "SNAPSHOT"), VersionText.parse(" 0.1.0.SNAPSHOT "));
    }

    @Test
    public void aMavenVersionIsRefusedWithItsOsgiForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VersionText.parse("0.1.0-SNAPSHOT"));
        assertEquals("'0.1.0-SNAPSHOT' is a Maven version, not an OSGi one: OSGi writes it 0.1.0.SNAPSHOT, as"
                + " plugin:list shows it", e.getMessage());
        assertEquals(Optional.of("1.0.0.beta-2"), VersionText.osgiFormOfMaven("1-beta-2"));
        assertEquals(Optional.of("1.2.0.rc1"), VersionText.osgiFormOfMaven("1.2-rc1"));
    }

    @Test
    public void textThatIsNoVersionAtAllIsSaidSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VersionText.parse("v2"));
        assertEquals("'v2' is not a version; give one as plugin:list shows it, e.g. 2.0.0", e.getMessage());
        assertEquals(Optional.empty(), VersionText.osgiFormOfMaven("v2-x"));
    }

    @Test
    public void aVersionThatDiffersOnlyInCaseIsPointedOut() {
        assertEquals("version 0.1.0.snapshot of greeter.zh is not installed; installed versions: 0.2.0, 0.1.0.SNAPSHOT"
                + " (a version's qualifier is case-sensitive: 0.1.0.SNAPSHOT)",
                VersionText.notInstalled("0.1.0.snapshot", "greeter.zh", List.of("0.2.0", "0.1.0.SNAPSHOT")));
        assertEquals("version 3.0.0 of greeter.zh is not installed; installed versions: 0.2.0",
                VersionText.notInstalled("3.0.0", "greeter.zh", List.of("0.2.0")));
    }
}
