package io.plugboard.runtime;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.SAXParserFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.xml.sax.helpers.DefaultHandler;

/**
 * One-time work that boot bundles installed afresh (a first start, or a new plugboard.jar) bring
 * onto the way to the first plugin call, done ahead on threads of their own while the launcher
 * thread creates the framework and starts the other boot bundles. A restart, whose framework
 * cache has them all, starts no thread.
 *
 * <ul>
 * <li>The JDK's XML parser, brought up by one small parse while the framework is created: SCR
 * parses the component XML of every bundle it has no cached description of (all of them, with a
 * new framework cache), and the first parse in a JVM (class initialisation, the parser's tables)
 * cost the host's start 15-30 ms; later ones take about a millisecond.
 * <li>The jars boot bundles carry on their Bundle-ClassPath (the go-plugin bundle's gRPC, Netty,
 * Guava and Protobuf: 6 MB to inflate). Felix unpacks them into its cache the first time the
 * bundle's class path is used, which was in the go-plugin bundle's start, during the host's
 * first scan. Felix does it under the revision's lock, so a class load from the bundle meanwhile
 * waits for it rather than unpacking twice.
 * </ul>
 */
final class BootWarmUp {

    /** Looked up to make Felix build a bundle's class path; no bundle has it (no package is named so). */
    static final String NO_SUCH_RESOURCE = "plugboard-warm-up/none";

    private static final byte[] SAMPLE_XML = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"warm-up\">"
            + "<implementation class=\"warm.Up\"/></scr:component>").getBytes(StandardCharsets.UTF_8);

    private BootWarmUp() {
    }

    /**
     * Starts bringing up the XML parser, for a framework cache that is not there yet (SCR has no
     * description of any component cached then); returns the (daemon) thread. Nothing is written,
     * so nobody needs to wait for it.
     */
    static Thread warmUpXmlParser() {
        Thread thread = new Thread(new ParseSample(), "plugboard-xml-warm-up");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Starts unpacking the embedded jars of those bundles installed just now that are resolved and
     * name any on their Bundle-ClassPath: returns the (daemon) thread, or null if there are none
     * (a restart, whose bundles are all cached). The caller waits for it before the JVM may exit:
     * an embedded jar cut short would stay in the cache, where Felix takes it for whole.
     */
    static Thread unpackEmbeddedJars(List<Bundle> installedNow) {
        List<Bundle> carriers = new ArrayList<>();
        for (Bundle bundle : installedNow) {
            if (bundle.getState() == Bundle.RESOLVED
                    && namesEmbeddedJars(bundle.getHeaders("").get(Constants.BUNDLE_CLASSPATH))) {
                carriers.add(bundle);
            }
        }
        if (carriers.isEmpty()) {
            return null;
        }
        Thread thread = new Thread(new Unpack(carriers), "plugboard-embedded-jars");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Whether a Bundle-ClassPath header names anything besides the bundle itself ({@code .}). */
    static boolean namesEmbeddedJars(String classPath) {
        if (classPath == null) {
            return false;
        }
        for (String clause : classPath.split(",")) {
            for (String target : clause.split(";")) {
                String path = target.trim();
                if (path.contains("=")) {
                    break; // attributes and directives follow the paths
                }
                if (!path.isEmpty() && !path.equals(".") && !path.equals("/")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Waits for the thread {@link #unpackEmbeddedJars} started (if any); an interrupt meanwhile is
     * kept for the caller.
     */
    static void await(Thread thread) {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses the sample as SCR parses a component description (namespace aware, a fresh factory). */
    static void parseSample() throws Exception {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.newSAXParser().parse(new ByteArrayInputStream(SAMPLE_XML), new DefaultHandler());
    }

    /** A class of its own rather than a lambda: a first start's lambdas are not in the class archive. */
    private static final class ParseSample implements Runnable {

        @Override
        public void run() {
            try {
                parseSample();
            } catch (Exception e) {
                // Only a head start: SCR's own parse reports any problem.
            }
            StartupClock.mark("XML parser warmed up");
        }
    }

    /** Builds each bundle's class path, which unpacks its embedded jars. */
    private static final class Unpack implements Runnable {

        private final List<Bundle> bundles;

        Unpack(List<Bundle> bundles) {
            this.bundles = bundles;
        }

        @Override
        public void run() {
            for (Bundle bundle : bundles) {
                try {
                    // Searching the bundle's own class path builds it: Felix unpacks every
                    // embedded jar that is not in its cache yet.
                    bundle.getResource(NO_SUCH_RESOURCE);
                } catch (RuntimeException e) {
                    // Only a head start: the bundle's own start unpacks (and reports) as before.
                }
            }
            StartupClock.mark("embedded jars unpacked");
        }
    }
}
