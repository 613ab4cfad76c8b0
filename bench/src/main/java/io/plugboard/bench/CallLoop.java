package io.plugboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * By hand, not part of the report: the per-call figures and the CPU time of the wire host and
 * gohost on kv-go, round after round in one JVM, for trying changes to the call path quickly.
 * CPU time is the whole run of a host (start, warm-up, measured calls, stop), its process and
 * the plugin's together: the JVM's own time plus its reaped children's (the plugin), and for
 * gohost a shell's reaped children (gohost, which reaps kv-go).
 *
 * <pre>
 * java -cp bench/target/plugboard-bench.jar io.plugboard.bench.CallLoop ROUNDS CALLS [go-bin]
 * </pre>
 */
final class CallLoop {

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    private CallLoop() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        Path bin = Path.of(args.length > 2 ? args[2] : "go-plugins/target/bin").toAbsolutePath();
        Path kvGo = bin.resolve("kv-go");
        Path gohost = bin.resolve("gohost");
        Path scratch = Files.createTempDirectory(Path.of("/dev/shm"), "callloop");
        try (JavaWireHost wire = new JavaWireHost(kvGo, scratch.resolve("native"))) {
            for (int r = 0; r <= rounds; r++) {
                KvWorkload workload = KvWorkload.of(r == 0 ? 2_000 : calls, GoPluginScenario.WARMUP,
                        GoPluginScenario.VALUE_SIZE);
                for (int h = 0; h < 2; h++) {
                    boolean java = (h + r) % 2 == 0;
                    Path work = Files.createDirectories(scratch.resolve("w" + r + h));
                    Path sockets = Files.createDirectories(scratch.resolve("s" + r + h));
                    HostFigures figures;
                    double cpu;
                    String switches = "";
                    if (java) {
                        double before = selfCpu();
                        long[] switchesBefore = switches();
                        figures = wire.run(workload, work, sockets);
                        cpu = selfCpu() - before;
                        long[] switchesAfter = switches();
                        // Each round: a health check, a Put and a Get per call, warm-up included.
                        double calls3 = 3.0 * (workload.calls() + workload.warmup());
                        switches = String.format(Locale.ROOT, "  sleeps/call: loop %.2f caller %.2f",
                                (switchesAfter[0] - switchesBefore[0]) / calls3,
                                (switchesAfter[1] - switchesBefore[1]) / calls3);
                    } else {
                        Path log = scratch.resolve("go" + r + ".out");
                        ProcessBuilder builder = new ProcessBuilder("sh", "-c",
                                "\"$@\" > " + log + " 2>/dev/null; cat /proc/$$/stat", "sh", gohost.toString(),
                                "-plugin", kvGo.toString(), "-n", Integer.toString(workload.calls()), "-warmup",
                                Integer.toString(workload.warmup()), "-value-size",
                                Integer.toString(workload.value().length), "-dir", work.toString());
                        builder.environment().put("TMPDIR", sockets.toString());
                        Process process = builder.start();
                        String stat = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        process.waitFor();
                        cpu = childrenCpu(stat);
                        figures = GoHostOutput.parse(Files.readAllLines(log), workload.calls(),
                                workload.value().length);
                    }
                    System.out.printf(Locale.ROOT, "round %d %-4s ping %4d/%4d us  putget %4d/%4d us  cpu %5.2f s%s%n",
                            r, java ? "java" : "go", figures.ping().median() / 1000, figures.ping().p99() / 1000,
                            figures.putGet().median() / 1000, figures.putGet().p99() / 1000, cpu, switches);
                }
            }
        } finally {
            Workspace.delete(scratch);
        }
    }

    /**
     * Voluntary context switches so far of the wire's event loop thread and of this (the
     * calling) thread: each is one sleep, in epoll_wait or park, that something had to wake.
     */
    private static long[] switches() throws IOException {
        long loop = 0;
        long caller = 0;
        String self = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String comm;
                String status;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    status = Files.readString(task.resolve("status"));
                } catch (IOException gone) {
                    continue;
                }
                long voluntary = Long.parseLong(status.lines().filter(l -> l.startsWith("voluntary_ctxt_switches"))
                        .findFirst().orElseThrow().split("\\s+")[1]);
                if (comm.startsWith("plugboard-gopl")) {
                    loop += voluntary;
                } else if (task.getFileName().toString().equals(self)) {
                    caller += voluntary;
                }
            }
        }
        return new long[] {loop, caller};
    }

    /** This JVM's CPU seconds so far, with its reaped children's. */
    private static double selfCpu() throws IOException {
        String[] f = fields(Files.readString(Path.of("/proc/self/stat")));
        return (Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[15]) + Long.parseLong(f[16]))
                / TICKS_PER_SECOND;
    }

    private static double childrenCpu(String stat) {
        String[] f = fields(stat.strip());
        return (Long.parseLong(f[15]) + Long.parseLong(f[16])) / TICKS_PER_SECOND;
    }

    /** The fields of a /proc stat line, numbered as proc(5) does minus one; the name may hold spaces. */
    private static String[] fields(String stat) {
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        String[] all = new String[rest.length + 2];
        all[0] = stat.substring(0, stat.indexOf(' '));
        all[1] = stat.substring(stat.indexOf('('), close + 1);
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

}
