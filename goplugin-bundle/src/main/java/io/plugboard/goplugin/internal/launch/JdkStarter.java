package io.plugboard.goplugin.internal.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts children through the JVM ({@link ProcessBuilder}, i.e. jspawnhelper) on the launcher's
 * {@link Spawner} thread, as {@code setpriv --pdeathsig KILL -- program args} when setpriv is given,
 * and drains each child's stdout and stderr with two threads of its own. The fallback where the
 * Go spawner cannot run; it does not own the Spawner thread.
 */
final class JdkStarter implements ChildStarter {

    private static final int BUFFER = 8192;

    private final Spawner spawner;
    private final Path setpriv;

    /**
     * @param spawner the thread that forks (the launcher's)
     * @param setpriv setpriv to run programs through, or null to run them directly
     */
    JdkStarter(Spawner spawner, Path setpriv) {
        this.spawner = spawner;
        this.setpriv = setpriv;
    }

    @Override
    public Child start(ChildCommand command, ChildEvents events) throws IOException {
        List<String> argv = new ArrayList<>();
        if (setpriv != null) {
            argv.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
        }
        argv.addAll(command.argv());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(command.dir().toFile());
        // ProcessBuilder starts from the JVM's environment; the command's variables go on top.
        builder.environment().putAll(command.env());
        Process process = spawner.spawn(builder);
        try {
            // go-plugin plugins do not read stdin; closing it only gives them EOF.
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing was written.
        }
        drain(command.name() + " stdout", process.getInputStream(), ChildEvents.STDOUT, events);
        drain(command.name() + " stderr", process.getErrorStream(), ChildEvents.STDERR, events);
        process.onExit().thenAccept(ended -> events.exited(ended.exitValue()));
        return new Child() {
            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public void kill() {
                // Through the handle: destroyForcibly() would also close the pipes, and the drains
                // would lose what the plugin wrote last (often why it failed).
                process.toHandle().destroyForcibly();
            }
        };
    }

    @Override
    public boolean usable() {
        return true;
    }

    /** Nothing of its own to end: the launcher closes the Spawner thread. */
    @Override
    public void close() {
    }

    private static void drain(String what, InputStream in, int stream, ChildEvents events) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER];
            try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    events.output(stream, buffer, 0, n);
                }
            } catch (IOException closed) {
                // The pipe ended with the process.
            } finally {
                events.ended(stream);
            }
        }, "goplugin " + what);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }
}
