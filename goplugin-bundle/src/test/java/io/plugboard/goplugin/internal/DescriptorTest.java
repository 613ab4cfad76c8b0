package io.plugboard.goplugin.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Version;

import io.plugboard.api.deploy.PluginFileException;
import io.plugboard.goplugin.internal.launch.LaunchSpec;

public class DescriptorTest {

    private static final String MINIMAL = "name=kv.go\ntype=kv\ncommand=kv-plugin\ncookie=BASIC_PLUGIN=hello\n";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private Path folder;
    private Path workRoot;
    private Path binary;
    private Path file;

    @Before
    public void setUp() throws IOException {
        folder = temp.newFolder("plugins").toPath();
        workRoot = temp.newFolder("data", "goplugin").toPath();
        binary = executable(folder.resolve("kv-plugin"), "#!/bin/sh\nexit 0\n");
        file = folder.resolve("kv.go.goplugin");
    }

    static Path executable(Path path, String content) throws IOException {
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private Descriptor read(String text) throws PluginFileException, IOException {
        Files.writeString(file, text);
        return Descriptor.read(file, workRoot);
    }

    /** The message of the error the text gives; checks that it names the file. */
    private String error(String text) throws IOException {
        Files.writeString(file, text);
        PluginFileException e = assertThrows(PluginFileException.class, () -> Descriptor.read(file, workRoot));
        assertTrue(e.getMessage(), e.getMessage().contains(file.toString()));
        return e.getMessage();
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue("expected <" + part + "> in <" + text + ">", text.contains(part));
        }
    }

    @Test
    public void minimalDescriptorGetsTheDefaults() throws Exception {
        Descriptor d = read(MINIMAL);
        assertEquals("kv.go", d.name());
        assertEquals("kv", d.type());
        assertEquals(Version.emptyVersion, d.version());
        assertEquals(binary, d.command());
        assertEquals(List.of(), d.args());
        assertEquals("BASIC_PLUGIN", d.cookieKey());
        assertEquals("hello", d.cookieValue());
        assertEquals(List.of(1), d.protocolVersions());
        assertNull(d.sha256());
        assertEquals(Map.of(), d.env());
        assertEquals(RestartPolicy.Mode.ON_FAILURE, d.restart());
        assertEquals(workRoot.resolve("kv.go"), d.workDir());
        assertEquals(Duration.ofMillis(5000), d.startTimeout());
        assertEquals(Duration.ofMillis(5000), d.callTimeout());
        assertEquals(Duration.ofMillis(5000), d.healthInterval());
        assertEquals(file, d.file());
        // Reading does not create the working directory; a start does.
        assertTrue(Files.notExists(d.workDir()));
    }

    @Test
    public void everyKeyIsRead() throws Exception {
        String sha = "AB".repeat(32);
        // Properties takes one level of backslashes, the shell split the next: "a\\ b" in the file is one word.
        Descriptor d = read(MINIMAL + "version=1.2.3.beta\nargs=--dir 'my data' \"say 'hi'\" '' a\\\\ b\n"
                + "protocol-versions=3, 1,2\nsha256=" + sha + "\nenv=LEVEL=debug GREETING='hello world'\n"
                + "restart=always\nworkdir=work\nstart-timeout-ms=1500\ncall-timeout-ms=250\nhealth-interval-ms=60000\n");
        assertEquals(new Version(1, 2, 3, "beta"), d.version());
        assertEquals(List.of("--dir", "my data", "say 'hi'", "", "a b"), d.args());
        assertEquals(List.of(3, 1, 2), d.protocolVersions());
        assertEquals("ab".repeat(32), d.sha256());
        assertEquals(List.of("LEVEL", "GREETING"), List.copyOf(d.env().keySet()));
        assertEquals("hello world", d.env().get("GREETING"));
        assertEquals(RestartPolicy.Mode.ALWAYS, d.restart());
        assertEquals(folder.resolve("work"), d.workDir());
        assertEquals(Duration.ofMillis(1500), d.startTimeout());
        assertEquals(Duration.ofMillis(250), d.callTimeout());
        assertEquals(Duration.ofMillis(60000), d.healthInterval());
    }

    @Test
    public void restartModesAndEmptyOptionalKeysMeanTheirDefaults() throws Exception {
        assertEquals(RestartPolicy.Mode.NEVER, read(MINIMAL + "restart=never\n").restart());
        assertEquals(RestartPolicy.Mode.ON_FAILURE, read(MINIMAL + "restart=on-failure\n").restart());
        Descriptor d = read(MINIMAL + "version=\nargs=\nsha256=\nenv=\nrestart=\nprotocol-versions=\n");
        assertEquals(Version.emptyVersion, d.version());
        assertEquals(List.of(1), d.protocolVersions());
        assertNull(d.sha256());
        assertEquals(RestartPolicy.Mode.ON_FAILURE, d.restart());
    }

    @Test
    public void commandIsRelativeToTheDescriptorsFolderOrAbsolute() throws Exception {
        Path elsewhere = executable(temp.newFolder("bin").toPath().resolve("other"), "#!/bin/sh\n");
        assertEquals(elsewhere, read(MINIMAL.replace("command=kv-plugin", "command=" + elsewhere)).command());
        assertEquals(elsewhere, read(MINIMAL.replace("command=kv-plugin", "command=../bin/other")).command());
        assertTrue(read(MINIMAL).command().isAbsolute());
    }

    @Test
    public void launchSpecCarriesTheDescriptor() throws Exception {
        Descriptor d = read(MINIMAL + "version=2.0\nargs=-v\nenv=A=1\nprotocol-versions=2,1\nstart-timeout-ms=700\n");
        Path socketDir = folder.resolve("s");
        LaunchSpec spec = d.launchSpec(socketDir);
        assertEquals("kv.go", spec.pluginName());
        assertEquals("2.0.0", spec.pluginVersion());
        assertEquals(binary, spec.command());
        assertEquals(List.of("-v"), spec.args());
        assertEquals(d.workDir(), spec.workDir());
        assertEquals(Map.of("A", "1"), spec.extraEnv());
        assertEquals("BASIC_PLUGIN", spec.cookieKey());
        assertEquals("hello", spec.cookieValue());
        assertEquals(List.of(2, 1), spec.protocolVersions());
        assertEquals(socketDir, spec.socketDir());
        assertEquals(Duration.ofMillis(700), spec.startTimeout());
    }

    @Test
    public void missingOrEmptyRequiredKeysAreNamed() throws IOException {
        for (String key : List.of("name", "type", "command", "cookie")) {
            String without = MINIMAL.lines().filter(line -> !line.startsWith(key + "="))
                    .reduce("", (a, b) -> a + b + "\n");
            assertContains(error(without), "key \"" + key + "\" is missing");
            assertContains(error(without + key + "=  \n"), "key \"" + key + "\" is empty");
        }
    }

    @Test
    public void unknownKeysAreListedWithTheKnownOnes() throws IOException {
        String message = error(MINIMAL + "comand=kv-plugin\nretry=3\n");
        assertContains(message, "unknown keys \"comand\", \"retry\"", "the keys are name, type, version, command, args,"
                + " cookie, protocol-versions, sha256, env, restart, workdir, start-timeout-ms, call-timeout-ms,"
                + " health-interval-ms");
    }

    @Test
    public void aKeyGivenTwiceIsAnError() throws IOException {
        assertContains(error(MINIMAL + "restart=never\nrestart=always\n"), "key \"restart\" is given more than once");
    }

    @Test
    public void badNamesAreRefused() throws IOException {
        for (String name : List.of("../evil", "kv go", ".hidden", "a/b", "x".repeat(65))) {
            assertContains(error(MINIMAL.replace("name=kv.go", "name=" + name)), "key \"name\" is \"" + name + "\"",
                    "letters, digits");
        }
    }

    @Test
    public void onlyTypeKvIsSupported() throws IOException {
        assertContains(error(MINIMAL.replace("type=kv", "type=greeter")), "key \"type\" is \"greeter\"",
                "can only be of type kv");
    }

    @Test
    public void aBadVersionIsNamed() throws IOException {
        assertContains(error(MINIMAL + "version=one\n"), "key \"version\" is \"one\", not an OSGi version");
    }

    @Test
    public void theCommandMustExistBeAFileAndBeExecutable() throws IOException {
        assertContains(error(MINIMAL.replace("command=kv-plugin", "command=missing")), "key \"command\" names "
                + folder.resolve("missing") + ", which does not exist");
        Files.createDirectory(folder.resolve("dir"));
        assertContains(error(MINIMAL.replace("command=kv-plugin", "command=dir")), "which is not a regular file");
        Files.writeString(folder.resolve("plain"), "data");
        assertContains(error(MINIMAL.replace("command=kv-plugin", "command=plain")), "key \"command\" names "
                + folder.resolve("plain") + ", which is not executable");
    }

    @Test
    public void badCookiesAreNamed() throws IOException {
        assertContains(error(MINIMAL.replace("cookie=BASIC_PLUGIN=hello", "cookie=hello")),
                "key \"cookie\" is \"hello\"; write it as KEY=VALUE");
        assertContains(error(MINIMAL.replace("cookie=BASIC_PLUGIN=hello", "cookie=1BAD=x")),
                "key \"cookie\" has \"1BAD\" as its KEY, which is not a valid environment variable name");
        assertContains(error(MINIMAL.replace("cookie=BASIC_PLUGIN=hello", "cookie=BASIC_PLUGIN=")),
                "key \"cookie\" has an empty VALUE");
        assertContains(error(MINIMAL.replace("cookie=BASIC_PLUGIN=hello", "cookie=TMPDIR=x")),
                "key \"cookie\" has TMPDIR as its KEY, a variable the host sets itself");
    }

    @Test
    public void badProtocolVersionsAreNamed() throws IOException {
        assertContains(error(MINIMAL + "protocol-versions=1,x\n"), "key \"protocol-versions\" is \"1,x\"; \"x\" is not"
                + " a positive whole number");
        assertContains(error(MINIMAL + "protocol-versions=0\n"), "\"0\" is not a positive whole number");
        assertContains(error(MINIMAL + "protocol-versions=1,,2\n"), "\"\" is not a positive whole number");
        assertContains(error(MINIMAL + "protocol-versions=2,2\n"), "key \"protocol-versions\" is \"2,2\"; 2 is listed"
                + " twice");
    }

    @Test
    public void aBadSha256IsNamed() throws IOException {
        assertContains(error(MINIMAL + "sha256=abc\n"), "key \"sha256\" is \"abc\"; it must be 64 hex digits");
        assertContains(error(MINIMAL + "sha256=" + "g".repeat(64) + "\n"), "key \"sha256\"");
    }

    @Test
    public void badEnvironmentEntriesAreNamed() throws IOException {
        assertContains(error(MINIMAL + "env=LEVEL\n"), "key \"env\" has \"LEVEL\"; write each variable as NAME=value");
        assertContains(error(MINIMAL + "env=A-B=1\n"), "key \"env\" has \"A-B\", which is not a valid environment"
                + " variable name");
        assertContains(error(MINIMAL + "env=TMPDIR=/x\n"), "key \"env\" sets TMPDIR, which the host sets itself");
        assertContains(error(MINIMAL + "env=PLUGIN_PROTOCOL_VERSIONS=9\n"), "sets PLUGIN_PROTOCOL_VERSIONS");
        // go-plugin 1.5 and later make their socket there; the host points it at the socket folder.
        assertContains(error(MINIMAL + "env=PLUGIN_UNIX_SOCKET_DIR=/x\n"), "key \"env\" sets PLUGIN_UNIX_SOCKET_DIR,"
                + " which the host sets itself");
        assertContains(error(MINIMAL + "env=BASIC_PLUGIN=other\n"), "key \"env\" sets BASIC_PLUGIN");
        assertContains(error(MINIMAL + "env=A=1 A=2\n"), "key \"env\" sets A twice");
        assertContains(error(MINIMAL + "env=A='1\n"), "key \"env\" cannot be split into words: single quote at"
                + " position 3 is not closed");
    }

    @Test
    public void unclosedQuotesInArgsAreNamed() throws IOException {
        assertContains(error(MINIMAL + "args=--x \"abc\n"), "key \"args\" cannot be split into words: double quote at"
                + " position 5 is not closed");
    }

    @Test
    public void aBadRestartIsNamed() throws IOException {
        assertContains(error(MINIMAL + "restart=sometimes\n"), "key \"restart\" is \"sometimes\"; it must be always,"
                + " on-failure or never");
    }

    @Test
    public void aWorkdirThatIsAFileIsRefused() throws IOException {
        Files.writeString(folder.resolve("afile"), "x");
        assertContains(error(MINIMAL + "workdir=afile\n"), "key \"workdir\" names " + folder.resolve("afile")
                + ", which is not a directory");
    }

    @Test
    public void badMillisecondsAreNamed() throws IOException {
        for (String key : List.of("start-timeout-ms", "call-timeout-ms", "health-interval-ms")) {
            for (String value : List.of("0", "-5", "5s", "3600001")) {
                assertContains(error(MINIMAL + key + "=" + value + "\n"), "key \"" + key + "\" is \"" + value
                        + "\"; it must be a whole number of milliseconds from 1 to 3600000");
            }
        }
    }

    @Test
    public void filesThatAreNoDescriptorsAreRefused() throws IOException {
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        PluginFileException binaryFile = assertThrows(PluginFileException.class, () -> Descriptor.read(file, workRoot));
        assertContains(binaryFile.getMessage(), file.toString(), "is not UTF-8 text");

        Files.write(file, new byte[Descriptor.MAX_BYTES + 1]);
        PluginFileException large = assertThrows(PluginFileException.class, () -> Descriptor.read(file, workRoot));
        assertContains(large.getMessage(), file.toString(), "is 65537 bytes long; a descriptor is at most 65536 bytes");

        assertContains(error(MINIMAL + "args=\\u00zz\n"), "is not a valid properties file");

        PluginFileException missing = assertThrows(PluginFileException.class,
                () -> Descriptor.read(folder.resolve("none.goplugin"), workRoot));
        assertContains(missing.getMessage(), folder.resolve("none.goplugin") + " is not a file");
    }

    @Test
    public void theBinaryHashIsCheckedWhenPinned() throws Exception {
        String actual = Hashes.sha256(binary);
        read(MINIMAL).requireBinaryHash(actual); // nothing pinned: anything goes
        read(MINIMAL + "sha256=" + actual.toUpperCase() + "\n").requireBinaryHash(actual);
        Descriptor pinned = read(MINIMAL + "sha256=" + "0".repeat(64) + "\n");
        PluginFileException e = assertThrows(PluginFileException.class, () -> pinned.requireBinaryHash(actual));
        assertContains(e.getMessage(), "kv.go: " + binary + " has SHA-256 " + actual, "requires " + "0".repeat(64),
                "key \"sha256\"", file.toString());
    }

    @Test
    public void sha256IsTheOneSha256sumPrints() throws IOException {
        Files.writeString(binary, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashes.sha256(binary));
    }

    @Test
    public void theContentHashTellsApartDescriptorsOfTheSameLength() {
        byte[] one = "name=kv.go\ntype=kv\nversion=1.2\n".getBytes(StandardCharsets.UTF_8);
        byte[] swapped = "name=kv.go\ntype=kv\nversion=2.1\n".getBytes(StandardCharsets.UTF_8);
        byte[] bit = one.clone();
        bit[bit.length - 2] ^= 1;
        long hash = Descriptor.contentHash(one);
        assertEquals(hash, Descriptor.contentHash(one.clone()));
        assertNotEquals(hash, Descriptor.contentHash(swapped));
        assertNotEquals(hash, Descriptor.contentHash(bit));
        assertNotEquals(hash, Descriptor.contentHash(new byte[0]));
    }

    @Test
    public void theFingerprintFollowsTheDescriptorAndTheBinary() throws Exception {
        long first = read(MINIMAL).fingerprint();
        assertEquals(first, read(MINIMAL).fingerprint());
        assertNotEquals(first, read(MINIMAL + "version=1.0\n").fingerprint());
        Descriptor d = read(MINIMAL);
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis() + 5000));
        assertNotEquals(first, d.fingerprint());
        long touched = d.fingerprint();
        Files.writeString(binary, "#!/bin/sh\nexit 0\n# longer\n");
        Files.setLastModifiedTime(binary, FileTime.fromMillis(Files.getLastModifiedTime(binary).toMillis()));
        assertNotEquals(touched, d.fingerprint());
        Files.delete(binary);
        PluginFileException gone = assertThrows(PluginFileException.class, d::fingerprint);
        assertContains(gone.getMessage(), "key \"command\": cannot read " + binary);
    }

    @Test
    public void utf8ValuesAreRead() throws Exception {
        Files.write(file, (MINIMAL + "env=GREETING=grüß\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("grüß", Descriptor.read(file, workRoot).env().get("GREETING"));
    }

    @Test
    public void aLeadingByteOrderMarkIsIgnored() throws Exception {
        // What a Windows editor writes when it saves "UTF-8 with BOM".
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = MINIMAL.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, content, 0, bom.length);
        System.arraycopy(text, 0, content, bom.length, text.length);
        Files.write(file, content);
        Descriptor d = Descriptor.read(file, workRoot);
        assertEquals("kv.go", d.name());
        assertEquals("kv", d.type());
        // Anywhere else it is a character of a key, which no key has.
        String message = error(MINIMAL.replace("type=kv", "\uFEFFtype=kv"));
        assertContains(message, "unknown key \"\uFEFFtype\"");
    }

    @Test
    public void controlCharactersFromTheFileAreShownEscaped() throws IOException {
        // A corrupt file: raw control characters in a key.
        String unknown = error(MINIMAL + "\u0000\u0001garbage=1\n");
        assertContains(unknown, "unknown key \"\\u0000\\u0001garbage\"");
        // The properties escapes \n and \u001b put a line break and an ESC into a value.
        String restart = error(MINIMAL + "restart=al\\nways\\u001b[31m\n");
        assertContains(restart, "key \"restart\" is \"al\\nways\\u001b[31m\"");
        // A line break in a path would start a forged line in plugboard.log.
        String command = error(MINIMAL.replace("command=kv-plugin", "command=kv\\n2026-11-24 INFO forged"));
        assertContains(command, "names " + folder + "/kv\\n2026-11-24 INFO forged, which does not exist");
        for (String message : List.of(unknown, restart, command)) {
            assertTrue(message, message.chars().noneMatch(Character::isISOControl));
        }
    }

    @Test
    public void aVeryLongValueIsCutInTheMessage() throws IOException {
        String message = error(MINIMAL + "version=" + "9.".repeat(5000) + "\n");
        assertContains(message, "key \"version\" is \"" + "9.".repeat(Quoted.MAX_CHARS / 2) + "... (10000 characters)\"");
        assertTrue(message.length() + " chars", message.length() < 1000);
    }
}
