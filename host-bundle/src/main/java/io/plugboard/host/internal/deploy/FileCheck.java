package io.plugboard.host.internal.deploy;

/**
 * The verdict on a file of the plugins folder, judged by its content as it is now.
 *
 * @param problem why it cannot be installed as it is now (incomplete, damaged, invalid), or null if it can
 * @param fingerprint identifies the content of a valid file, so unchanged content is not installed twice
 */
record FileCheck(String problem, long fingerprint) {

    /** A complete, valid file with this content. */
    static FileCheck valid(long fingerprint) {
        return new FileCheck(null, fingerprint);
    }

    /** A file that cannot be installed as it is, and why. */
    static FileCheck invalid(String problem) {
        return new FileCheck(problem, 0);
    }

    /** Whether the file is complete and valid. */
    boolean isValid() {
        return problem == null;
    }
}
