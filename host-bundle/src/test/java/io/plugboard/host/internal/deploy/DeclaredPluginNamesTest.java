package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

/** Which plugin names a jar's DS components declare, read from the jar before it is installed. */
public class DeclaredPluginNamesTest {

    private static Set<String> of(byte[] jar) throws IOException {
        return DeclaredPluginNames.of(new ByteArrayInputStream(jar));
    }

    @Test
    public void theNameBndWritesForPluginName() throws IOException {
        assertEquals(Set.of("kv.memory"), of(TestJars.pluginNamed("io.example.kv", "1.0.0", "kv.memory")));
    }

    @Test
    public void everyComponentTheHeaderNamesWildcardsToo() throws IOException {
        byte[] jar = TestJars.withEntries(Map.of(
                "OSGI-INF/a.xml", TestJars.component("A", "kv.a"),
                "OSGI-INF/b.xml", TestJars.component("B", "kv.b"),
                "OSGI-INF/sub/c.xml", TestJars.component("C", "kv.c"),
                "other/d.xml", TestJars.component("D", "kv.d")),
                "Bundle-SymbolicName", "io.example.kv", "Service-Component", "OSGI-INF/*.xml, /other/d.xml;x=y");
        // A wildcard stays within its folder; a leading slash and a clause's attributes are allowed.
        assertEquals(Set.of("kv.a", "kv.b", "kv.d"), of(jar));
    }

    @Test
    public void componentsTheHeaderDoesNotNameDeclareNothing() throws IOException {
        byte[] jar = TestJars.withEntries(Map.of("OSGI-INF/a.xml", TestJars.component("A", "kv.a")),
                "Bundle-SymbolicName", "io.example.kv");
        assertEquals(Set.of(), of(jar));
        assertEquals(Set.of(), of(TestJars.plugin("io.example.kv", "1.0.0")));
    }

    @Test
    public void onlyAStringValueInTheXmlNamesAPlugin() {
        String xml = "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"A\">"
                + "<!-- <property name=\"plugin.name\" value=\"commented.out\"/> -->"
                + "<property name=\"plugin.name\" type=\"String\">many\nvalues</property>"
                + "<property name=\"plugin.name\" type=\"Integer\" value=\"7\"/>"
                + "<property name=\"plugin.type\" value=\"kv\"/>"
                + "<property value=\"kv.&#x61;mp&amp;\" name=\"plugin.name\"/>"
                + "</scr:component>";
        assertEquals(Set.of("kv.amp&"), DeclaredPluginNames.pluginNames(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    public void eachNameTakesTheTypeOfItsOwnComponent() {
        String xml = "<components>"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"A\">"
                + "<property name=\"plugin.type\" value=\"greeter\"/><property name=\"plugin.name\" value=\"greeter.a\"/>"
                + "</scr:component>"
                + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.4.0\" name=\"B\">"
                + "<property name=\"plugin.name\" value=\"untyped.b\"/>"
                + "</scr:component></components>";
        assertEquals(Map.of("greeter.a", "greeter", "untyped.b", "-"),
                DeclaredPluginNames.plugins(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    public void whatIsNotXmlDeclaresNothing() {
        assertEquals(Set.of(), DeclaredPluginNames.pluginNames("<scr:component><property".getBytes(StandardCharsets.UTF_8)));
        String dtd = "<!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<c><property name=\"plugin.name\" value=\"&x;\"/></c>";
        assertEquals(Set.of(), DeclaredPluginNames.pluginNames(dtd.getBytes(StandardCharsets.UTF_8)));
    }
}
