package io.plugboard.shout;

import java.util.Locale;

/** Shouts text: upper case and an exclamation mark. */
public final class Shout {

    private Shout() {
    }

    /** Returns the text in upper case with {@code !} appended. */
    public static String shout(String text) {
        return text.toUpperCase(Locale.ROOT) + "!";
    }
}
