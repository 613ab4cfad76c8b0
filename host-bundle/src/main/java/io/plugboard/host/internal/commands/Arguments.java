package io.plugboard.host.internal.commands;

/** Checks a command's arguments, so a wrong call gets one line that says what to type instead. */
final class Arguments {

    private Arguments() {
    }

    /**
     * Returns the arguments when there are {@code min} to {@code max} of them, none empty.
     *
     * @param usage how to call the command, e.g. {@code plugin:info <name-or-id>}
     * @throws IllegalArgumentException saying what is wrong and showing the usage
     */
    static String[] check(String[] args, int min, int max, String usage) {
        return check(args, min, max, usage, -1);
    }

    /**
     * As {@link #check(String[], int, int, String)}, but the argument at {@code valueIndex} (a
     * value to store, which may be empty or blanks, typed as {@code ''}) may be empty.
     */
    static String[] check(String[] args, int min, int max, String usage, int valueIndex) {
        String[] given = args == null ? new String[0] : args;
        if (given.length < min) {
            throw new IllegalArgumentException("missing argument; type " + usage);
        }
        if (given.length > max) {
            throw new IllegalArgumentException("too many arguments (" + given.length + "); type " + usage);
        }
        for (int i = 0; i < given.length; i++) {
            // Gogo turns the bare word null into a null argument.
            if (given[i] == null || (i != valueIndex && given[i].isBlank())) {
                throw new IllegalArgumentException("argument " + (i + 1) + " is empty; type " + usage);
            }
        }
        return given;
    }
}
