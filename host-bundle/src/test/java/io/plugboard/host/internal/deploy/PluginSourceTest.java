package io.plugboard.host.internal.deploy;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import com.sun.net.httpserver.HttpServer;

public class PluginSourceTest {

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void locationIsTheFileUri() throws Exception {
        Path jar = temp.newFile("a.jar").toPath();

        PluginSource source = PluginSource.parse(jar.toString());

        assertEquals(jar.toUri().toString(), source.location());
        assertEquals(Optional.of(jar), PluginSource.fileOf(source.location()));
    }

    @Test
    public void aFileUrlIsTheSameSourceAsItsPath() throws Exception {
        Path jar = temp.newFile("a.jar").toPath();

        assertEquals(PluginSource.parse(jar.toString()).location(), PluginSource.parse(jar.toUri().toString()).location());
    }

    @Test
    public void relativePathsResolveAgainstTheWorkingDirectory() {
        PluginSource source = PluginSource.parse("plugins/../x.jar");

        assertEquals(Path.of(System.getProperty("user.dir"), "x.jar").toUri().toString(), source.location());
    }

    @Test
    public void otherUrlsAreKeptAsTheLocation() {
        assertEquals("https://example.org/x.jar", PluginSource.parse("https://example.org/x.jar").location());
    }

    @Test
    public void copiesTheFile() throws Exception {
        byte[] content = TestJars.plugin("a", "1.0.0");
        Path jar = TestJars.write(temp.getRoot().toPath().resolve("a.jar"), content);
        Path copy = temp.getRoot().toPath().resolve("copy");

        PluginSource.parse(jar.toString()).copyTo(copy);

        assertArrayEquals(content, Files.readAllBytes(copy));
    }

    @Test
    public void missingFile() {
        Path missing = temp.getRoot().toPath().resolve("missing.jar");

        assertCopyFails(missing.toString(), missing + " does not exist");
    }

    @Test
    public void directory() {
        assertCopyFails(temp.getRoot().toString(), temp.getRoot() + " is a directory, not a plugin jar");
    }

    @Test
    public void unreadableFile() throws Exception {
        assumeFalse("root can read anything", "root".equals(System.getProperty("user.name")));
        Path jar = temp.newFile("secret.jar").toPath();
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("-w-------"));

        assertCopyFails(jar.toString(), jar + " cannot be read (permission denied)");
    }

    @Test
    public void urlThatCannotBeDownloaded() {
        Path missing = temp.getRoot().toPath().resolve("gone.jar");
        // A jar: URL is not a file URL, so it goes through the download path.
        String url = "jar:" + missing.toUri() + "!/x";

        assertCopyFails(url, "Cannot download " + url + ": not found");
    }

    @Test
    public void aServerThatNeverAnswersTimesOut() throws Exception {
        // Nobody accepts or reads: the kernel completes the connection and takes the request.
        try (ServerSocket server = listen(50)) {
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginSource source = PluginSource.parse(url).withTimeouts(SHORT, SHORT);

            long start = System.nanoTime();
            PluginInstallException e = assertThrows(PluginInstallException.class, source::readBytes);

            assertEquals("Cannot download " + url + ": no answer within 300 ms", e.getMessage());
            assertTakesLessThanTwoSeconds(start);
        }
    }

    @Test
    public void aDownloadThatStopsTimesOut() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        try (ServerSocket server = listen(50)) {
            Thread answer = new Thread(() -> {
                try (Socket client = server.accept()) {
                    client.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nPK".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    // Then nothing more. (The JDK drains a closed download's rest for up to 5 s
                    // on a thread of its own, to keep the connection: not waited for here.)
                    testOver.await(10, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // The test is over.
                }
            }, "stalling-server");
            answer.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginSource source = PluginSource.parse(url).withTimeouts(SHORT, SHORT);

            long start = System.nanoTime();
            PluginInstallException e = assertThrows(PluginInstallException.class,
                    () -> source.copyTo(temp.getRoot().toPath().resolve("copy")));

            assertEquals("Cannot download " + url + ": no answer within 300 ms", e.getMessage());
            assertTakesLessThanTwoSeconds(start);
            testOver.countDown();
            answer.join(10_000);
        }
    }

    @Test
    public void aServerThatTakesNoConnectionTimesOut() throws Exception {
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket server = listen(1)) {
            // Nobody accepts: once the backlog is full, the kernel drops the next connections'
            // first packets (Linux does), and they time out. Fill it until one does.
            boolean full = false;
            for (int i = 0; i < 10 && !full; i++) {
                Socket socket = new Socket();
                queued.add(socket);
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
                } catch (SocketTimeoutException e) {
                    full = true;
                }
            }
            assumeTrue("this system accepts connections beyond the backlog", full);
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginSource source = PluginSource.parse(url).withTimeouts(SHORT, Duration.ofSeconds(30));

            long start = System.nanoTime();
            PluginInstallException e = assertThrows(PluginInstallException.class, source::readBytes);

            assertEquals("Cannot download " + url + ": could not connect within 300 ms", e.getMessage());
            assertTakesLessThanTwoSeconds(start);
        } finally {
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    @Test
    public void anUnknownHostIsNamed() throws Exception {
        // .invalid never resolves (RFC 2606); the JVM caches the failure, so the download's own
        // lookup does not ask the name server again.
        try {
            InetAddress.getByName("nonexistent.invalid");
            assumeTrue("a name server here resolves nonexistent.invalid", false);
        } catch (UnknownHostException expected) {
            // As it should be.
        }
        String url = "http://nonexistent.invalid/x.jar";

        assertCopyFails(url, "Cannot download " + url + ": unknown host nonexistent.invalid");
    }

    @Test
    public void aRefusedConnectionKeepsItsMessage() throws Exception {
        int port;
        try (ServerSocket server = listen(50)) {
            port = server.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/x.jar";

        assertCopyFails(url, "Cannot download " + url + ": Connection refused");
    }

    @Test
    public void aRedirectToAnotherProtocolIsNamedNotTakenForAnEmptyJar() throws Exception {
        try (ServerSocket server = listen(50)) {
            Thread answer = answerOnce(server, "HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.org/x.jar\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n");
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginInstallException e = assertThrows(PluginInstallException.class,
                    () -> PluginSource.parse(url).withTimeouts(SHORT, SHORT).copyTo(temp.getRoot().toPath().resolve("c")));
            assertEquals("Cannot download " + url + ": the server redirects (301) to https://example.org/x.jar, which is"
                    + " not followed from one protocol to another; install from that URL", e.getMessage());
            answer.join(10_000);
        }
    }

    @Test
    public void aDownloadCutShortOfItsLengthSaysSo() throws Exception {
        try (ServerSocket server = listen(50)) {
            Thread answer = answerOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nPK");
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginInstallException e = assertThrows(PluginInstallException.class,
                    () -> PluginSource.parse(url).withTimeouts(SHORT, SHORT).copyTo(temp.getRoot().toPath().resolve("c")));
            assertEquals("Cannot download " + url + ": the download ended after 2 of the 1000 bytes the server announced",
                    e.getMessage());
            answer.join(10_000);
        }
    }

    @Test
    public void aDownloadLargerThanTheLimitIsCutOffNotWrittenToTheEnd() throws Exception {
        try (ServerSocket server = listen(50)) {
            // No length announced, as a server streaming without end would send.
            Thread answer = answerOnce(server, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + "x".repeat(5000));
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            Path copy = temp.getRoot().toPath().resolve("c");
            PluginInstallException e = assertThrows(PluginInstallException.class,
                    () -> PluginSource.parse(url).withTimeouts(SHORT, SHORT).withMaxDownload(1000).copyTo(copy));
            assertEquals("Cannot download " + url + ": it is larger than 1000 bytes, more than a plugin jar can be;"
                    + " not downloaded further", e.getMessage());
            answer.join(10_000);
        }
    }

    @Test
    public void aDownloadThatTricklesStopsAtTheDeadline() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // A byte every 50 ms, 5 s in all: each read gets something well within the read timeout.
        server.createContext("/x.jar", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, 100);
                for (int i = 0; i < 100 && !testOver.await(50, TimeUnit.MILLISECONDS); i++) {
                    exchange.getResponseBody().write('x');
                    exchange.getResponseBody().flush();
                }
            } catch (IOException | InterruptedException e) {
                // The client went away.
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/x.jar";
            PluginSource source = PluginSource.parse(url).withTimeouts(SHORT, SHORT).withDownloadTimeout(Duration.ofMillis(500));

            long start = System.nanoTime();
            PluginInstallException e = assertThrows(PluginInstallException.class,
                    () -> source.copyTo(temp.getRoot().toPath().resolve("copy")));

            assertTrue(e.getMessage(), e.getMessage().matches(Pattern.quote("Cannot download " + url
                    + ": it took longer than 500 ms (plugboard.download.timeout.ms); got ") + "[1-9][0-9]? of 100 bytes"));
            assertTakesLessThanTwoSeconds(start);
        } finally {
            testOver.countDown();
            server.stop(0);
        }
    }

    @Test
    public void aServerThatTricklesItsHeadersStopsAtTheDeadline() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        try (ServerSocket server = listen(50)) {
            Thread answer = new Thread(() -> {
                try (Socket client = server.accept()) {
                    client.getInputStream().read(new byte[4096]); // the request
                    byte[] status = "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
                    client.getOutputStream().write(status);
                    // A header that goes on for 5 s, a byte every 50 ms.
                    for (int i = 0; i < 100 && !testOver.await(50, TimeUnit.MILLISECONDS); i++) {
                        client.getOutputStream().write('x');
                        client.getOutputStream().flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // The client went away.
                }
            }, "trickling-server");
            answer.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/x.jar";
            PluginSource source = PluginSource.parse(url).withTimeouts(SHORT, SHORT).withDownloadTimeout(Duration.ofMillis(500));

            long start = System.nanoTime();
            PluginInstallException e = assertThrows(PluginInstallException.class, source::readBytes);

            assertEquals("Cannot download " + url + ": it took longer than 500 ms (plugboard.download.timeout.ms); got 0 bytes",
                    e.getMessage());
            assertTakesLessThanTwoSeconds(start);
            testOver.countDown();
            answer.join(10_000);
        }
    }

    /** Answers one request with the bytes, then closes the connection. */
    private static Thread answerOnce(ServerSocket server, String response) {
        Thread answer = new Thread(() -> {
            try (Socket client = server.accept()) {
                client.getInputStream().read(new byte[4096]); // the request
                client.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
            } catch (IOException e) {
                // The test is over.
            }
        }, "answering-server");
        answer.start();
        return answer;
    }

    private static final Duration SHORT = Duration.ofMillis(300);

    private static ServerSocket listen(int backlog) throws IOException {
        return new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
    }

    private static void assertTakesLessThanTwoSeconds(long startNanos) {
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        assertTrue("took " + millis + " ms", millis < 2_000);
    }

    @Test
    public void blankIsRejected() {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> PluginSource.parse("  "));
        assertEquals("No plugin path or URL given", e.getMessage());
    }

    @Test
    public void badUrlIsRejected() {
        PluginInstallException e = assertThrows(PluginInstallException.class, () -> PluginSource.parse("http://exa mple/x.jar"));
        assertEquals("'http://exa mple/x.jar' is not a valid URL: Illegal character in authority at index 7: http://exa mple/x.jar",
                e.getMessage());
    }

    private void assertCopyFails(String pathOrUrl, String message) {
        PluginSource source = PluginSource.parse(pathOrUrl);
        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> source.copyTo(temp.getRoot().toPath().resolve("copy")));
        assertEquals(message, e.getMessage());
    }

    @Test
    public void aPathsControlCharactersAreEscapedInTheMessage() {
        // A name typed or pasted with an escape sequence must not reach the terminal as one.
        Path missing = temp.getRoot().toPath().resolve("red\u001b[31m\rx.jar");

        PluginInstallException e = assertThrows(PluginInstallException.class,
                () -> PluginSource.parse(missing.toString()).readBytes());

        assertEquals(temp.getRoot().toPath().resolve("red\\u001b[31m\\rx.jar") + " does not exist", e.getMessage());
    }

    @Test
    public void aMessagesOwnLineBreaksAndTabsStay() {
        // A handler's message may list lines (a plugin's last stderr lines); only they may break it.
        assertEquals("kv.go: exited. Last stderr lines:\n\tpanic: \\u0007boom",
                new PluginInstallException("kv.go: exited. Last stderr lines:\n\tpanic: \u0007boom").getMessage());
    }
}
