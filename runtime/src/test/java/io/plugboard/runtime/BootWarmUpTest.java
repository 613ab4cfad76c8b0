package io.plugboard.runtime;

import static org.junit.Assert.assertFalse;

import org.junit.Test;

/** BootWarmUp's XML parser warm-up: it ends, and its sample is what the JDK's parser takes. */
public class BootWarmUpTest {

    @Test
    public void theXmlParserWarmUpEnds() throws Exception {
        Thread thread = BootWarmUp.warmUpXmlParser();
        thread.join(10_000);
        assertFalse(thread.isAlive());
    }

    @Test
    public void theSampleIsWellFormedXmlForTheJdkParser() throws Exception {
        // Parses without an exception (a broken sample would warm up nothing).
        BootWarmUp.parseSample();
    }
}
