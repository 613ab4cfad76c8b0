package io.plugboard.goplugin.internal.launch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.Test;

/** The flat JSON parser behind hclog lines: values, escapes, nested values kept raw, and what is not JSON. */
public class FlatJsonTest {

    @Test
    public void readsEveryKindOfValueInOrder() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "a\"b\\c/d\b\f\n\r\t\u00e9\uD83D\uDE00");
        expected.put("i", -12L);
        expected.put("z", 0L);
        expected.put("big", new BigInteger("18446744073709551615"));
        expected.put("d", 1.5e3);
        expected.put("t", true);
        expected.put("f", false);
        expected.put("n", null);
        expected.put("o", "{\"a\": [1, \"]\"], \"b\": {}}");
        expected.put("a", "[]");
        Map<String, Object> parsed = FlatJson.parseObject(" { \"s\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00E9"
                + "\\ud83d\\ude00\", \"i\":-12,\"z\":0,\"big\":18446744073709551615,\"d\":1.5e3,\"t\":true,"
                + "\"f\":false,\"n\":null,\"o\":{\"a\": [1, \"]\"], \"b\": {}},\"a\":[] } ").orElseThrow();
        assertEquals(expected, parsed);
        assertEquals(String.join(",", expected.keySet()), String.join(",", parsed.keySet()));
    }

    @Test
    public void emptyObjectAndRepeatedKey() {
        assertEquals(Map.of(), FlatJson.parseObject("{}").orElseThrow());
        assertEquals(Map.of("k", 2L), FlatJson.parseObject("{\"k\":1,\"k\":2}").orElseThrow());
    }

    @Test
    public void whatIsNotOneObjectIsRefused() {
        for (String text : Arrays.asList("", "[]", "\"s\"", "{", "{\"a\":1", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
                "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                "{\"a\":\"tab\there\"}", "{\"a\":1} x", "{\"a\":1}{}", "{\"a\":[1,2}")) {
            assertTrue(text, FlatJson.parseObject(text).isEmpty());
        }
    }
}
