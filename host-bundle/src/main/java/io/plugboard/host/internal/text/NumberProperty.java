package io.plugboard.host.internal.text;

import org.osgi.service.log.Logger;

/**
 * A number read from a framework property ({@code -Dplugboard...}): unset or blank gives the
 * default; a value that is not a whole number, or is below the least allowed, is reported on one
 * line and the default is used, so a typo never stops the host.
 */
public final class NumberProperty {

    private NumberProperty() {
    }

    /**
     * The property's number of milliseconds, at least {@code least}.
     *
     * @param value the property's value, possibly null
     */
    public static long millis(String property, String value, long least, long defaultValue, Logger logger) {
        return read(property, value, least, defaultValue, "milliseconds", logger);
    }

    /** The property's count of {@code what} (threads, say), at least {@code least}. */
    public static int count(String property, String value, int least, int defaultValue, String what, Logger logger) {
        return (int) read(property, value, least, defaultValue, what, logger);
    }

    private static long read(String property, String value, long least, long defaultValue, String what,
            Logger logger) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= least && number <= (what.equals("milliseconds") ? Long.MAX_VALUE : Integer.MAX_VALUE)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below, as a number out of range is.
        }
        logger.warn("{} is '{}', not a number of {} ({} or more); using {}", property, value, what, least,
                defaultValue);
        return defaultValue;
    }
}
