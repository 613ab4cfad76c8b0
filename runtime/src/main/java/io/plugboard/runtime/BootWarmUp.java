package io.plugboard.runtime;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.helpers.DefaultHandler;

/**
 * One-time work that a new framework cache (a first start) brings onto the way to the first
 * plugin call, done ahead on a thread of its own while the launcher thread creates the framework:
 * the JDK's XML parser, brought up by one small parse. SCR parses the component XML of every
 * bundle it has no cached description of (all of them, with a new framework cache), and the first
 * parse in a JVM (class initialisation, the parser's tables) cost the host's start 15-30 ms; later
 * ones take about a millisecond. A restart, whose framework cache has them all, starts no thread.
 *
 * <p>(Boot bundles carry no embedded jars for Felix to unpack: the go-plugin bundle has its
 * libraries' classes inline, see goplugin-bundle/bnd.bnd.)
 */
final class BootWarmUp {

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
}
