package io.plugboard.host.internal.deploy;

/**
 * The verdict on a file of the plugins folder, judged by its content as it is now.
 *
 * @param problem why it cannot be installed as it is now (incomplete, damaged, invalid), or null if it can
 * @param fingerprint identifies the content of a valid file, so unchanged content is not installed twice
 * @param identity what the file's plugin is, whatever the file's name (a jar's bundle symbolic
 *        name), so a file renamed is known as the same plugin ({@link FolderActions#identityOf}); or null
 */
record FileCheck(String problem, long fingerprint, String identity) {

    /** A complete, valid file with this content. */
    static FileCheck valid(long fingerprint) {
        return new FileCheck(null, fingerprint, null);
    }

    /** A complete, valid file with this content, whose plugin is {@code identity}. */
    static FileCheck valid(long fingerprint, String identity) {
        return new FileCheck(null, fingerprint, identity);
    }

    /** A file that cannot be installed as it is, and why. */
    static FileCheck invalid(String problem) {
        return new FileCheck(problem, 0, null);
    }

    /** Whether the file is complete and valid. */
    boolean isValid() {
        return problem == null;
    }
}
