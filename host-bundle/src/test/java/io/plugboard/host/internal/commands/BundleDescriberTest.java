package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.osgi.framework.Bundle;

/** The filter forms Felix generates from Import-Package version ranges. */
public class BundleDescriberTest {

    @Test
    public void readsAHalfOpenRange() {
        assertEquals("[1.0.0,2.0.0)",
                BundleDescriber.range("(&(osgi.wiring.package=a)(version>=1.0.0)(!(version>=2.0.0)))"));
    }

    @Test
    public void readsExclusiveLowAndInclusiveHighBounds() {
        assertEquals("(1.0.0,2.0.0]",
                BundleDescriber.range("(&(osgi.wiring.package=a)(!(version<=1.0.0))(version<=2.0.0))"));
    }

    @Test
    public void readsAnExactVersion() {
        assertEquals("[1.2.0,1.2.0]",
                BundleDescriber.range("(&(osgi.wiring.package=a)(version>=1.2.0)(version<=1.2.0))"));
    }

    @Test
    public void readsAnOpenEndedAndAMissingRange() {
        assertEquals("1.5.0 or later", BundleDescriber.range("(&(osgi.wiring.package=a)(version>=1.5.0))"));
        assertEquals("any version", BundleDescriber.range("(osgi.wiring.package=a)"));
        assertEquals("[0.0.0,2.0.0)", BundleDescriber.range("(&(osgi.wiring.package=a)(!(version>=2.0.0)))"));
    }

    @Test
    public void namesEveryState() {
        assertEquals("INSTALLED", BundleDescriber.stateName(Bundle.INSTALLED));
        assertEquals("RESOLVED", BundleDescriber.stateName(Bundle.RESOLVED));
        assertEquals("ACTIVE", BundleDescriber.stateName(Bundle.ACTIVE));
        assertEquals("UNKNOWN(3)", BundleDescriber.stateName(3));
    }
}
