package io.plugboard.host.internal.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.Test;
import org.osgi.framework.Bundle;

import io.plugboard.api.greeter.Greeter;
import io.plugboard.host.internal.deploy.PluginInstallException;

/** plugin:list, install, update, uninstall, info and use, and the bad arguments of each. */
public class PluginCommandsTest extends GogoCommandsTestBase {

    @Test
    public void listShowsPluginsAndPluginBundlesWithoutPlugins() throws Exception {
        defaultPlugins();
        installer.add(15, "io.plugboard.needs-api-2", "1.0.0").state = Bundle.INSTALLED;
        assertEquals(String.join("\n",
                "ID  NAME                      TYPE     VERSION  STATE      ACTIVE",
                "14  greeter.en                greeter  1.0.0    ACTIVE     *",
                "13  kv.file                   kv       1.1.0    ACTIVE",
                "12  kv.memory                 kv       1.0.0    ACTIVE     *",
                "15  io.plugboard.needs-api-2  -        1.0.0    INSTALLED"), run("plugin:list"));
    }

    @Test
    public void listShowsABundleWhoseStartFailedAsFailedWithTheReason() throws Exception {
        defaultPlugins();
        installer.add(15, "io.example.throws", "1.0.0").state = Bundle.RESOLVED;
        installer.startFailures.put(15L, "its activator threw java.lang.IllegalStateException: no licence key");
        assertEquals(String.join("\n",
                "ID  NAME               TYPE     VERSION  STATE   ACTIVE  DETAILS",
                "14  greeter.en         greeter  1.0.0    ACTIVE  *",
                "13  kv.file            kv       1.1.0    ACTIVE",
                "12  kv.memory          kv       1.0.0    ACTIVE  *",
                "15  io.example.throws  -        1.0.0    FAILED          failed to start: its activator threw"
                        + " java.lang.IllegalStateException: no licence key"), run("plugin:list"));
    }

    @Test
    public void listShowsABundleWhoseStartHangsAsHangingWithTheReason() throws Exception {
        defaultPlugins();
        installer.add(15, "t.hang", "1.0.0").state = Bundle.STARTING;
        installer.startHangs.put(15L, "hangs in its start: its activator has not returned for 42 s");
        assertEquals(String.join("\n",
                "ID  NAME        TYPE     VERSION  STATE    ACTIVE  DETAILS",
                "14  greeter.en  greeter  1.0.0    ACTIVE   *",
                "13  kv.file     kv       1.1.0    ACTIVE",
                "12  kv.memory   kv       1.0.0    ACTIVE   *",
                "15  t.hang      -        1.0.0    HANGING          hangs in its start: its activator has not returned"
                        + " for 42 s"), run("plugin:list"));
    }

    @Test
    public void listShowsALibraryBundleAsALibraryAndItCanBeUninstalledById() throws Exception {
        defaultPlugins();
        installer.add(15, "io.example.shout-library", "1.0.0");
        installer.libraries.add(15L);
        assertEquals(String.join("\n",
                "ID  NAME                      TYPE     VERSION  STATE   ACTIVE",
                "14  greeter.en                greeter  1.0.0    ACTIVE  *",
                "13  kv.file                   kv       1.1.0    ACTIVE",
                "12  kv.memory                 kv       1.0.0    ACTIVE  *",
                "15  io.example.shout-library  library  1.0.0    ACTIVE"), run("plugin:list"));
        assertEquals("uninstalled io.example.shout-library 1.0.0 (bundle 15)", run("plugin:uninstall 15"));
    }

    /** A fragment (which imports nothing) is no library: it is never started, and attaches to its host. */
    @Test
    public void listShowsAFragmentAsAFragmentWithWhyItIsNotAttached() throws Exception {
        defaultPlugins();
        installer.add(15, "io.example.frag", "1.0.0").state = Bundle.INSTALLED;
        installer.libraries.add(15L);
        installer.fragments.add(15L);
        installer.notResolvedBecause.put(15L, "not attached: fragment of io.plugboard.greeter-en 1.0.0, bundle 14;"
                + " attaches when it is refreshed or at the next start");
        assertEquals(String.join("\n",
                "ID  NAME             TYPE      VERSION  STATE      ACTIVE  DETAILS",
                "14  greeter.en       greeter   1.0.0    ACTIVE     *",
                "13  kv.file          kv        1.1.0    ACTIVE",
                "12  kv.memory        kv        1.0.0    ACTIVE     *",
                "15  io.example.frag  fragment  1.0.0    INSTALLED          not attached: fragment of"
                        + " io.plugboard.greeter-en 1.0.0, bundle 14; attaches when it is refreshed or at the next start"),
                run("plugin:list"));
    }

    /** A library removed under it: the plugin registers nothing, but is still known by the plugin it declares. */
    @Test
    public void anUnresolvedPluginBundleIsListedAndFoundByTheNameAndTypeItDeclaresWithTheReason() throws Exception {
        defaultPlugins();
        installer.add(17, "io.plugboard.greeter-shout", "0.1.0").state = Bundle.INSTALLED;
        installer.declared.put(17L, java.util.Map.of("greeter.shout", "greeter"));
        installer.notResolvedBecause.put(17L, "not resolved: it imports io.plugboard.shout [1.0.0,2.0.0), which no"
                + " bundle exports");
        installer.notActiveBecause.put(17L, "io.plugboard.greeter-shout 0.1.0, bundle 17 is not resolved: it imports"
                + " io.plugboard.shout [1.0.0,2.0.0), which no bundle exports");
        assertEquals(String.join("\n",
                "ID  NAME           TYPE     VERSION  STATE      ACTIVE  DETAILS",
                "14  greeter.en     greeter  1.0.0    ACTIVE     *",
                "13  kv.file        kv       1.1.0    ACTIVE",
                "12  kv.memory      kv       1.0.0    ACTIVE     *",
                "17  greeter.shout  greeter  0.1.0    INSTALLED          not resolved: it imports io.plugboard.shout"
                        + " [1.0.0,2.0.0), which no bundle exports"), run("plugin:list"));
        String info = run("plugin:info greeter.shout");
        assertTrue(info, info.contains("  not active: io.plugboard.greeter-shout 0.1.0, bundle 17 is not resolved"));
        assertEquals(info, run("plugin:info greeter.shout 0.1.0"));
        assertEquals("uninstalled io.plugboard.greeter-shout 0.1.0 (bundle 17)", run("plugin:uninstall greeter.shout"));
    }

    /** The selected kv.memory is gone (failed, say): no kv row has a *, and a line says why. */
    @Test
    public void listSaysWhichTypeWaitsForItsSelectedPlugin() throws Exception {
        defaultPlugins();
        long memory = registry.plugins("kv").stream().filter(p -> p.name().equals("kv.memory")).findFirst()
                .orElseThrow().serviceId();
        registry.remove(memory);
        assertEquals(String.join("\n",
                "ID  NAME                    TYPE     VERSION  STATE   ACTIVE",
                "14  greeter.en              greeter  1.0.0    ACTIVE  *",
                "13  kv.file                 kv       1.1.0    ACTIVE",
                "12  io.plugboard.kv-memory  -        1.0.0    ACTIVE",
                "kv waits for kv.memory, selected for it and not registered: its calls fail until it is back, or"
                        + " plugin:use kv <name> picks another"), run("plugin:list"));
    }

    @Test
    public void listOfNothingSaysHowToInstall() throws Exception {
        assertEquals("no plugins installed; add one with plugin:install <path-or-url>", run("plugin:list"));
    }

    @Test
    public void listRejectsArguments() {
        assertEquals("too many arguments (1); type plugin:list", fails("plugin:list kv"));
    }

    @Test
    public void installPrintsWhatWasInstalled() throws Exception {
        assertEquals("installed io.plugboard.greeter-zh 1.0.0 as bundle 20; it registers no plugin yet",
                run("plugin:install /tmp/io.plugboard.greeter-zh-1.0.0.jar"));
        assertEquals(List.of("install /tmp/io.plugboard.greeter-zh-1.0.0.jar"), installer.calls);
    }

    @Test
    public void installOfABundleThatCannotStartSaysWhy() throws Exception {
        installer.notActiveBecause.put(20L, "io.plugboard.api.kv [2.0,3) is not exported; io.plugboard.api exports 1.0.0");
        assertEquals("installed io.plugboard.bad 1.0.0 as bundle 20; it registers no plugin yet\n"
                + "not active: io.plugboard.api.kv [2.0,3) is not exported; io.plugboard.api exports 1.0.0",
                run("plugin:install \"file:/plugins dir/io.plugboard.bad-1.0.0.jar\""));
    }

    @Test
    public void installFailureKeepsTheInstallersMessage() {
        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> session.execute("plugin:install notes.txt"));
        assertEquals("notes.txt is not a jar", e.getMessage());
    }

    @Test
    public void installWithoutPathSaysWhatToType() {
        assertEquals("missing argument; type plugin:install <path-or-url>", fails("plugin:install"));
    }

    @Test
    public void installWithTwoPathsSaysWhatToType() {
        assertEquals("too many arguments (2); type plugin:install <path-or-url>", fails("plugin:install a.jar b.jar"));
    }

    @Test
    public void updateByPluginNameFromANewJar() throws Exception {
        defaultPlugins();
        assertEquals("updated io.plugboard.kv-file (bundle 13) from 1.1.0 to 1.2.0; plugins: kv.file (kv)",
                run("plugin:update kv.file /tmp/io.plugboard.kv-file-1.2.0.jar"));
        assertEquals(List.of("update 13 /tmp/io.plugboard.kv-file-1.2.0.jar"), installer.calls);
    }

    @Test
    public void updateByIdFromItsOwnLocation() throws Exception {
        defaultPlugins();
        run("plugin:update 12");
        assertEquals(List.of("update 12 null"), installer.calls);
    }

    @Test
    public void updateWithoutNameSaysWhatToType() {
        assertEquals("missing argument; type plugin:update <name-or-id> [path-or-url]", fails("plugin:update"));
    }

    @Test
    public void uninstallBySymbolicName() throws Exception {
        defaultPlugins();
        assertEquals("uninstalled io.plugboard.greeter-en 1.0.0 (bundle 14)",
                run("plugin:uninstall io.plugboard.greeter-en"));
        assertEquals(List.of("uninstall 14"), installer.calls);
    }

    @Test
    public void uninstallOfAnUnknownNameListsTheKnownNames() {
        defaultPlugins();
        assertEquals("no plugin or plugin bundle is named 'kv.redis'; known names: greeter.en, "
                + "io.plugboard.greeter-en, io.plugboard.kv-file, io.plugboard.kv-memory, kv.file, kv.memory "
                + "(or give a bundle id from plugin:list)", fails("plugin:uninstall kv.redis"));
        assertEquals(List.of(), installer.calls);
    }

    @Test
    public void uninstallOfAnIdThatIsNoPluginBundleListsThePluginBundles() {
        plugin(installer.add(12, "io.plugboard.kv-memory", "1.0.0"), "kv", "kv.memory", store);
        assertEquals("no plugin bundle has id 0; plugin bundles: 12 (io.plugboard.kv-memory 1.0.0)",
                fails("plugin:uninstall 0"));
    }

    @Test
    public void aNameOfTwoVersionsSideBySideIsAmbiguous() {
        plugin(installer.add(14, "io.plugboard.greeter-en", "1.0.0"), "greeter", "greeter.en", (Greeter) n -> n);
        plugin(installer.add(21, "io.plugboard.greeter-en", "2.0.0"), "greeter", "greeter.en", (Greeter) n -> n);
        assertEquals("'greeter.en' matches 2 bundles: 14 (io.plugboard.greeter-en 1.0.0), "
                + "21 (io.plugboard.greeter-en 2.0.0); give the bundle id instead, or the name and the version",
                fails("plugin:uninstall greeter.en"));
        assertEquals("'io.plugboard.greeter-en' matches 2 bundles: 14 (io.plugboard.greeter-en 1.0.0), "
                + "21 (io.plugboard.greeter-en 2.0.0); give the bundle id instead, or the name and the version",
                fails("plugin:info io.plugboard.greeter-en"));
        assertEquals("'0.1.0-SNAPSHOT' is a Maven version, not an OSGi one: OSGi writes it 0.1.0.SNAPSHOT, as"
                + " plugin:list shows it", fails("plugin:uninstall greeter.en 0.1.0-SNAPSHOT"));
    }

    /** As plugin:use greeter greeter.en 1.0.0 picks one of two versions side by side, so do uninstall and info. */
    @Test
    public void uninstallAndInfoTakeAVersionToPickOneOfTwoSideBySide() throws Exception {
        sideBySideGreeters();

        assertEquals("io.plugboard.greeter-en 2.0.0 (bundle 21)", run("plugin:info greeter.en 2.0.0").lines().findFirst()
                .orElseThrow());
        assertEquals("uninstalled io.plugboard.greeter-en 1.0.0 (bundle 14)", run("plugin:uninstall greeter.en 1.0"));
        assertEquals(List.of("uninstall 14"), installer.calls);
        // The bundle's symbolic name takes a version too.
        assertEquals("uninstalled io.plugboard.greeter-en 2.0.0 (bundle 21)",
                run("plugin:uninstall io.plugboard.greeter-en 2.0.0"));
        assertEquals(List.of("uninstall 14", "uninstall 21"), installer.calls);
    }

    @Test
    public void uninstallOfAVersionNotInstalledListsTheInstalledOnes() {
        sideBySideGreeters();

        assertEquals("version 3.0.0 of greeter.en is not installed; installed versions: 1.0.0, 2.0.0",
                fails("plugin:uninstall greeter.en 3.0.0"));
        assertEquals("'two' is not a version; give one as plugin:list shows it, e.g. 2.0.0",
                fails("plugin:uninstall greeter.en two"));
        assertEquals("no plugin or plugin bundle is named 'greeter.fr'; known names: greeter.en, io.plugboard.greeter-en "
                + "(or give a bundle id from plugin:list)", fails("plugin:uninstall greeter.fr 1.0.0"));
        assertEquals("'14' is a bundle id, which names one bundle: give it without a version, or give a plugin name "
                + "with the version", fails("plugin:uninstall 14 1.0.0"));
        assertEquals("too many arguments (3); type plugin:uninstall <name-or-id> [<version>]",
                fails("plugin:uninstall greeter.en 1.0.0 2.0.0"));
        assertEquals(List.of(), installer.calls);
    }

    @Test
    public void aNonNumericIdIsLookedUpAsANameAndReported() {
        defaultPlugins();
        assertTrue(fails("plugin:info 12x").startsWith("no plugin or plugin bundle is named '12x'; known names: "));
    }

    @Test
    public void anIdTooLargeForALongIsReported() {
        assertEquals("'99999999999999999999' is too large for a bundle id; plugin:list shows the ids",
                fails("plugin:info 99999999999999999999"));
    }

    @Test
    public void infoShowsHeadersStateAndWhyNotActive() throws Exception {
        installer.add(15, "io.plugboard.needs-api-2", "1.0.0").state = Bundle.INSTALLED;
        installer.notActiveBecause.put(15L, "io.plugboard.api.kv [2.0,3) is not available");
        assertEquals(String.join("\n",
                "io.plugboard.needs-api-2 1.0.0 (bundle 15)",
                "  name:      Test io.plugboard.needs-api-2",
                "  location:  file:/plugins/io.plugboard.needs-api-2.jar",
                "  state:     INSTALLED",
                "  services:",
                "    none",
                "  imports:",
                "    unknown (the bundle is uninstalled)",
                "  not active: io.plugboard.api.kv [2.0,3) is not available"), run("plugin:info 15"));
    }

    @Test
    public void infoOfABundleWhoseJarWasRenamedShowsItsFileAfterItsLocation() throws Exception {
        installer.add(15, "io.plugboard.kv-memory", "1.0.0");
        installer.movedFiles.put(15L, java.nio.file.Path.of("/plugins/kv-mem2.jar"));
        List<String> lines = List.of(run("plugin:info 15").split("\n"));
        assertEquals(List.of("  location:  file:/plugins/io.plugboard.kv-memory.jar",
                "  file:      /plugins/kv-mem2.jar (its jar was renamed in the plugins folder)"), lines.subList(2, 4));
    }

    @Test
    public void infoWithoutNameSaysWhatToType() {
        assertEquals("missing argument; type plugin:info <name-or-id> [<version>]", fails("plugin:info"));
    }

    @Test
    public void useSelectsThePluginAtOnce() throws Exception {
        defaultPlugins();
        assertEquals("kv is now served by kv.file 1.1.0 (bundle 13)", run("plugin:use kv kv.file"));
        assertEquals("kv.file", registry.active("kv").orElseThrow().name());
        assertEquals(List.of("info: plugin:use selected kv.file to serve type kv"), log.lines());
    }

    @Test
    public void useOfAnUnknownTypeListsTheKnownTypes() {
        defaultPlugins();
        assertEquals("unknown plugin type 'db'; known types: greeter, kv", fails("plugin:use db kv.file"));
    }

    @Test
    public void useOfAnUnknownNameListsTheKnownNames() {
        defaultPlugins();
        assertEquals("no plugin of type 'kv' is named 'redis'; known names: kv.file, kv.memory",
                fails("plugin:use kv redis"));
    }

    @Test
    public void useWithOneArgumentSaysWhatToType() {
        assertEquals("missing argument; type plugin:use <type> <name> [<version>]", fails("plugin:use kv"));
        assertEquals("too many arguments (4); type plugin:use <type> <name> [<version>]",
                fails("plugin:use kv kv.file 1.0.0 extra"));
    }

    @Test
    public void anEmptyArgumentSaysWhatToType() {
        assertEquals("argument 1 is empty; type plugin:info <name-or-id> [<version>]", fails("plugin:info \"\""));
    }

    @Test
    public void useWithAVersionPinsItNextToANewerOne() throws Exception {
        sideBySideGreeters();
        assertEquals("Hello v2, Ann", run("plugin:greet Ann"));
        assertEquals("greeter is now served by greeter.en 1.0.0 (bundle 14); this version stays pinned "
                + "(plugin:use greeter greeter.en follows the newest)", run("plugin:use greeter greeter.en 1.0"));
        assertEquals("Hello v1, Ann", run("plugin:greet Ann"));
        assertEquals(Optional.of("1.0.0"), registry.pinnedVersion("greeter"));
        assertEquals("info: plugin:use selected greeter.en 1.0 to serve type greeter", log.lines().get(0));

        assertEquals("greeter is now served by greeter.en 2.0.0 (bundle 21)", run("plugin:use greeter greeter.en"));
        assertEquals("Hello v2, Ann", run("plugin:greet Ann"));
        assertEquals(Optional.empty(), registry.pinnedVersion("greeter"));
    }

    @Test
    public void useOfAVersionNotInstalledListsTheInstalledOnes() {
        sideBySideGreeters();
        assertEquals("version 3.0.0 of greeter.en is not installed; installed versions: 2.0.0, 1.0.0",
                fails("plugin:use greeter greeter.en 3.0.0"));
        assertEquals("'two' is not a version; give one as plugin:list shows it, e.g. 2.0.0",
                fails("plugin:use greeter greeter.en two"));
        assertEquals("2.0.0", registry.active("greeter").orElseThrow().version());
    }

    @Test
    public void aNameWithAnEscapeSequenceIsShownEscapedByInfoUpdateAndUninstall() {
        // A name typed or pasted with an escape sequence must not reach the terminal as one.
        defaultPlugins();
        for (String command : List.of("plugin:info", "plugin:update", "plugin:uninstall")) {
            assertEquals(command, "no plugin or plugin bundle is named 'kv\\u001b]0;pwned\\u0007\\r'; known names: "
                    + "greeter.en, io.plugboard.greeter-en, io.plugboard.kv-file, io.plugboard.kv-memory, kv.file, "
                    + "kv.memory (or give a bundle id from plugin:list)", fails(command + " \"kv\u001b]0;pwned\u0007\r\""));
        }
        assertEquals(List.of(), installer.calls);
    }

    @Test
    public void useShowsTheTypeNameAndVersionItRefusesEscaped() {
        defaultPlugins();
        assertEquals("no plugin of type 'kv' is named '\\u001b]0;pwned\\u0007'; known names: kv.file, kv.memory",
                fails("plugin:use kv \"\u001b]0;pwned\u0007\""));
        assertEquals("unknown plugin type 'kv\\r\\u001b[2K'; known types: greeter, kv",
                fails("plugin:use \"kv\r\u001b[2K\" kv.file"));
        assertEquals("'1.0\\u001b[2J' is not a version; give one as plugin:list shows it, e.g. 2.0.0",
                fails("plugin:use greeter greeter.en \"1.0\u001b[2J\""));
        // A refusal is one line: a line feed in the argument cannot start a forged one.
        assertEquals("no plugin of type 'kv' is named 'a\\nError: forged'; known names: kv.file, kv.memory",
                fails("plugin:use kv \"a\nError: forged\""));
    }

    @Test
    public void listShowsANameFromADescriptorEscapedInItsColumn() throws Exception {
        plugin(installer.add(14, "io.plugboard.greeter-en", "1.0.0"), "greeter", "en\u001b[2J\tx", (Greeter) n -> n);
        assertEquals(String.join("\n",
                "ID  NAME                TYPE     VERSION  STATE   ACTIVE",
                "14  en\\u001b[2J\\u0009x  greeter  1.0.0    ACTIVE  *"), run("plugin:list"));
    }

    @Test
    public void infoShowsTheHeadersAndLocationEscaped() throws Exception {
        // The headers come from the jar, the location from what the user typed.
        installer.add(15, "io.plugboard.odd\u001b[31m", "1.0.0");
        assertEquals(List.of(
                "io.plugboard.odd\\u001b[31m 1.0.0 (bundle 15)",
                "  name:      Test io.plugboard.odd\\u001b[31m",
                "  location:  file:/plugins/io.plugboard.odd\\u001b[31m.jar"),
                run("plugin:info 15").lines().limit(3).toList());
    }

    private void sideBySideGreeters() {
        plugin(installer.add(14, "io.plugboard.greeter-en", "1.0.0"), "greeter", "greeter.en",
                (Greeter) n -> "Hello v1, " + n);
        plugin(installer.add(21, "io.plugboard.greeter-en", "2.0.0"), "greeter", "greeter.en",
                (Greeter) n -> "Hello v2, " + n);
    }
}
