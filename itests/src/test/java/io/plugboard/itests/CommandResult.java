package io.plugboard.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Locale;

/**
 * What one Gogo command line produced: its printed output (with its return value, formatted as
 * the shell shows it), its error stream, and the exception it threw, if any.
 */
public record CommandResult(String commandLine, String output, String error, Exception failure) {

    /** Returns everything the user would see: output, error stream and exception messages. */
    public String text() {
        StringBuilder text = new StringBuilder(output).append(error);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append('\n').append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /** Fails unless the command ran without an exception; returns its output. */
    public String assertSucceeded() {
        if (failure != null) {
            throw new AssertionError(describe("should succeed"), failure);
        }
        return output;
    }

    /**
     * Fails unless the command reported an error that mentions every given word, with no
     * NullPointerException and no stack trace.
     */
    public CommandResult assertClearError(String... mustMention) {
        String text = text();
        assertTrue(describe("should report an error"), failure != null || !error.isBlank()
                || text.toLowerCase(Locale.ROOT).matches("(?s).*(error|cannot|no such|not found|unknown|invalid).*"));
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertFalse(describe("threw a NullPointerException"), t instanceof NullPointerException);
            assertNotNull(describe("threw an exception without a message"), t.getMessage());
        }
        assertFalse(describe("mentions a NullPointerException"), text.contains("NullPointerException"));
        assertFalse(describe("prints a stack trace"), text.contains("\tat "));
        for (String word : mustMention) {
            assertTrue(describe("should mention '" + word + "'"), text.contains(word));
        }
        return this;
    }

    /** Returns a failure message that shows the command and all it said. */
    public String describe(String expectation) {
        return "'" + commandLine + "' " + expectation + "; it said:\n" + text();
    }
}
