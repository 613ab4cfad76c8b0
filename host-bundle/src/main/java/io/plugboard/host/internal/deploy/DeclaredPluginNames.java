package io.plugboard.host.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.osgi.framework.Bundle;

import io.plugboard.api.PluginProperties;

/**
 * The plugin names a bundle jar declares, read before it is installed (or from an installed
 * bundle's entries): the {@code plugin.name} property of each Declarative Services component
 * that its {@code Service-Component} header names, as bnd writes it for {@code @PluginName}
 * ({@code <property name="plugin.name" type="String" value="kv.memory"/>}). Not seen: a name set
 * in a {@code <properties>} file, or a service the bundle registers itself.
 */
final class DeclaredPluginNames {

    private static final String SERVICE_COMPONENT = "Service-Component";

    private DeclaredPluginNames() {
    }

    /** The names the jar's components declare, sorted; empty when it has no components or the jar cannot be read. */
    static Set<String> of(InputStream jar) throws IOException {
        Manifest manifest = null;
        // The component descriptions are small; which of them the header names is known at the end.
        Map<String, byte[]> xml = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(jar)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (JarFile.MANIFEST_NAME.equalsIgnoreCase(name)) {
                    manifest = new Manifest(zip);
                } else if (name.toLowerCase(Locale.ROOT).endsWith(".xml")) {
                    xml.put(name, zip.readAllBytes());
                }
            }
        }
        Set<String> names = new TreeSet<>();
        String header = manifest == null ? null : manifest.getMainAttributes().getValue(SERVICE_COMPONENT);
        if (header == null) {
            return names;
        }
        for (Pattern path : paths(header)) {
            for (Map.Entry<String, byte[]> entry : xml.entrySet()) {
                if (path.matcher(entry.getKey()).matches()) {
                    names.addAll(pluginNames(entry.getValue()));
                }
            }
        }
        return names;
    }

    /**
     * The names the components of an installed bundle declare, read from its entries as from a
     * jar's (no class is loaded, and an unresolved bundle is not resolved); empty when it has no
     * components, or is uninstalled meanwhile.
     */
    static Set<String> of(Bundle bundle) {
        return new TreeSet<>(plugins(bundle).keySet());
    }

    /**
     * The plugins the components of an installed bundle declare, name to type ({@code -} for a
     * component without a {@code plugin.type}), sorted by name: what an unresolved plugin bundle
     * would register, read as {@link #of(Bundle)} reads the names.
     */
    static Map<String, String> plugins(Bundle bundle) {
        Map<String, String> names = new TreeMap<>();
        try {
            String header = bundle.getHeaders("").get(SERVICE_COMPONENT);
            if (header == null) {
                return names;
            }
            for (String path : rawPaths(header)) {
                int slash = path.lastIndexOf('/');
                if (path.indexOf('*') < 0) {
                    read(bundle.getEntry(path), names);
                    continue;
                }
                Pattern pattern = pattern(path);
                Enumeration<String> entries = bundle.getEntryPaths(slash < 0 ? "/" : path.substring(0, slash + 1));
                while (entries != null && entries.hasMoreElements()) {
                    String entry = entries.nextElement();
                    if (pattern.matcher(entry).matches()) {
                        read(bundle.getEntry(entry), names);
                    }
                }
            }
        } catch (IllegalStateException e) {
            // Uninstalled meanwhile: it declares nothing any more.
        }
        return names;
    }

    private static void read(URL entry, Map<String, String> names) {
        if (entry == null) {
            return;
        }
        try (InputStream in = entry.openStream()) {
            plugins(in.readAllBytes()).forEach(names::putIfAbsent);
        } catch (IOException e) {
            // Not readable: SCR could not read it either, so it declares nothing.
        }
    }

    /** The header's paths, each as a pattern: its last segment may hold {@code *} wildcards (OSGi Compendium 112.4.1). */
    static List<Pattern> paths(String header) {
        List<Pattern> paths = new ArrayList<>();
        for (String path : rawPaths(header)) {
            paths.add(pattern(path));
        }
        return paths;
    }

    /** The header's paths as written, without leading slashes or attributes. */
    private static List<String> rawPaths(String header) {
        List<String> paths = new ArrayList<>();
        for (String clause : header.split(",")) {
            String path = clause.split(";", 2)[0].trim();
            while (path.startsWith("/")) {
                path = path.substring(1);
            }
            if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        return paths;
    }

    private static Pattern pattern(String path) {
        String[] literals = path.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 1; i < literals.length; i++) {
            regex.append("[^/]*").append(Pattern.quote(literals[i]));
        }
        return Pattern.compile(regex.toString());
    }

    /** The {@code plugin.name} values of the component descriptions in one XML file; none if it is not XML. */
    static Set<String> pluginNames(byte[] xml) {
        return new TreeSet<>(plugins(xml).keySet());
    }

    /**
     * The {@code plugin.name} values of the component descriptions in one XML file, each to the
     * {@code plugin.type} of its component ({@code -} if none); none if it is not XML.
     */
    static Map<String, String> plugins(byte[] xml) {
        Map<String, String> plugins = new TreeMap<>();
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        // A plugin's file: no DTD, no entity from elsewhere.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                // One file may hold several components: a name takes the type of its own component.
                String name = null;
                String pluginType = null;
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.END_ELEMENT && "component".equals(reader.getLocalName())) {
                        if (name != null) {
                            plugins.putIfAbsent(name, pluginType == null ? "-" : pluginType);
                        }
                        name = null;
                        pluginType = null;
                    } else if (event == XMLStreamConstants.START_ELEMENT && "property".equals(reader.getLocalName())) {
                        String property = reader.getAttributeValue(null, "name");
                        String type = reader.getAttributeValue(null, "type");
                        String value = reader.getAttributeValue(null, "value");
                        // Without a value attribute the body holds values, one a line: an array, which names no plugin.
                        if (value == null || (type != null && !"String".equals(type))) {
                            continue;
                        }
                        if (PluginProperties.NAME.equals(property)) {
                            name = value;
                        } else if (PluginProperties.TYPE.equals(property)) {
                            pluginType = value;
                        }
                    }
                }
                // A property outside any component element (not a description SCR reads, but seen before).
                if (name != null) {
                    plugins.putIfAbsent(name, pluginType == null ? "-" : pluginType);
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            // Not a component description SCR could read either: it declares nothing.
        }
        return plugins;
    }
}
