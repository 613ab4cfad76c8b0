package io.plugboard.kv.file;

import java.util.List;

/** Legal keys that a naive key-to-file-name mapping would get wrong. */
final class TrickyKeys {

    static final List<String> ALL = List.of(
            "/", "a/b", "/etc/passwd", "..", ".", "...", "../escape", "a.", "a..b",
            " ", "  two spaces", "trailing space ", "%", "%2F", "100%", "_", "__", "_002f", "kv_a",
            "tmp_1.part", "key", "Key", "KEY", "k\u00e9y", "ke\u0301y", "K\u00c9Y", "\u00df", "SS",
            "CON", "nul", "com1.txt", "a:b", "a*b?c", "<>|\"\\", "\u4f60\u597d", "\ud83d\ude00",
            "\ud800", "\udfff\ud800", "\u00e9".repeat(250), "\u4f60".repeat(250),
            "a".repeat(250), "B".repeat(250), "a".repeat(140), "a".repeat(141));

    private TrickyKeys() {
    }
}
