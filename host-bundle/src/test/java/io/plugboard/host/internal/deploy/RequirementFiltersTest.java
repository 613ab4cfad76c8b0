package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;

import java.util.Optional;

import org.junit.Test;

public class RequirementFiltersTest {

    @Test
    public void halfOpenRange() {
        assertEquals("io.plugboard.api.kv [2.0.0,3.0.0)", RequirementFilters.describePackage(
                "(&(osgi.wiring.package=io.plugboard.api.kv)(version>=2.0.0)(!(version>=3.0.0)))"));
    }

    @Test
    public void nestedAndIsTheSameRange() {
        assertEquals(Optional.of("[1.0.0,2.0.0)"), RequirementFilters.versionRange(
                "(&(osgi.wiring.package=x)(&(version>=1.0.0)(!(version>=2.0.0))))"));
    }

    @Test
    public void exclusiveLowerAndInclusiveUpper() {
        assertEquals(Optional.of("(1.0.0,2.0.0]"), RequirementFilters.versionRange(
                "(&(osgi.wiring.package=x)(!(version<=1.0.0))(version<=2.0.0))"));
    }

    @Test
    public void lowerBoundOnly() {
        assertEquals("x [1.5.0,\u221e)", RequirementFilters.describePackage("(&(osgi.wiring.package=x)(version>=1.5.0))"));
    }

    @Test
    public void exactVersion() {
        assertEquals(Optional.of("[1.2.3,1.2.3]"), RequirementFilters.versionRange("(&(osgi.wiring.package=x)(version=1.2.3))"));
    }

    @Test
    public void noVersionShowsOnlyThePackage() {
        assertEquals("io.plugboard.api.foo", RequirementFilters.describePackage("(osgi.wiring.package=io.plugboard.api.foo)"));
    }

    @Test
    public void otherAttributesShowTheRawFilter() {
        String filter = "(&(osgi.wiring.package=x)(version>=1.0.0)(bundle-symbolic-name=y))";
        assertEquals(Optional.empty(), RequirementFilters.versionRange(filter));
        assertEquals(filter, RequirementFilters.describePackage(filter));
    }

    @Test
    public void alternativesShowTheRawFilter() {
        String filter = "(&(osgi.wiring.package=x)(|(version>=1.0.0)(version>=3.0.0)))";
        assertEquals(filter, RequirementFilters.describePackage(filter));
    }

    @Test
    public void invalidVersionShowsTheRawFilter() {
        String filter = "(&(osgi.wiring.package=x)(version>=one))";
        assertEquals(filter, RequirementFilters.describePackage(filter));
    }

    @Test
    public void packageName() {
        assertEquals(Optional.of("io.plugboard.api"), RequirementFilters.packageName(
                "(&(osgi.wiring.package=io.plugboard.api)(version>=1.0.0))"));
        assertEquals(Optional.empty(), RequirementFilters.packageName("(osgi.ee=JavaSE)"));
    }
}
