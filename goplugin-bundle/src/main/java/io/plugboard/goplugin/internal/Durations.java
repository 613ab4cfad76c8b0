package io.plugboard.goplugin.internal;

import java.time.Duration;

/** Durations in words for messages and {@code describe}. */
final class Durations {

    private Durations() {
    }

    /** A setting's length: {@code 60 s} when whole seconds, else {@code 250 ms}. */
    static String words(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 && millis > 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** An uptime, to the second and with its two largest units: {@code 12s}, {@code 3m 12s}, {@code 5h 3m}, {@code 2d 5h}. */
    static String uptime(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + secs + "s";
        }
        return secs + "s";
    }
}
