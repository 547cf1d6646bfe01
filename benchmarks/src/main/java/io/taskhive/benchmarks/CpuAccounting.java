package io.taskhive.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a measurement, per component (gateway, workers, RabbitMQ,
 * PostgreSQL, everything else), from Linux's /proc: CPU time is what a 2-core machine runs out of,
 * so this says which component to make cheaper. Elsewhere than Linux it reports nothing.
 */
final class CpuAccounting {

    private static final double TICKS_PER_SECOND = 100.0;

    record Snapshot(Map<String, Long> ticks) {
    }

    private final SystemUnderTest system;

    CpuAccounting(SystemUnderTest system) {
        this.system = system;
    }

    Snapshot snapshot() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("gateway", processTicks(List.of(system.gatewayPid())));
        ticks.put("workers", processTicks(system.workerPids()));
        ticks.put("rabbitmq", commandTicks("beam.smp"));
        ticks.put("postgresql", commandTicks("postgres"));
        ticks.put("machine", machineTicks());
        return new Snapshot(ticks);
    }

    /** CPU milliseconds per task of each component between two snapshots, and the machine's total. */
    String perTask(Snapshot from, Snapshot to, long tasks) {
        return per("task", from, to, tasks);
    }

    /** As {@link #perTask}, per {@code unit} (what the {@code count} things measured were). */
    String per(String unit, Snapshot from, Snapshot to, long count) {
        StringBuilder line = new StringBuilder("CPU per " + unit + ":");
        long accounted = 0;
        for (String component : from.ticks().keySet()) {
            long used = to.ticks().get(component) - from.ticks().get(component);
            if (!component.equals("machine")) {
                accounted += used;
            }
            line.append(String.format(" %s %.3f ms", component, used / TICKS_PER_SECOND * 1000 / count));
        }
        long other = to.ticks().get("machine") - from.ticks().get("machine") - accounted;
        return line.append(String.format(" (other %.3f ms)", other / TICKS_PER_SECOND * 1000 / count)).toString();
    }

    private static long processTicks(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            total += ticks(Path.of("/proc", Long.toString(pid), "stat"));
        }
        return total;
    }

    static long commandTicks(String command) {
        long total = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(process.resolve("comm")).strip().equals(command)) {
                        total += ticks(process.resolve("stat"));
                    }
                } catch (IOException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return total;
    }

    /**
     * utime + stime of a process and cutime + cstime, those of its children that have ended (fields
     * 14 to 17 of /proc/pid/stat, after the command in parentheses). Without the children's, the CPU
     * of PostgreSQL's short-lived processes (autovacuum and parallel workers, backends of short
     * connections), which end between two snapshots and are reaped by the postmaster, counted as
     * "other", and one that was running at the first snapshot even took its earlier ticks off
     * PostgreSQL's share.
     */
    private static long ticks(Path stat) {
        try {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** All non-idle CPU time of the machine. */
    private static long machineTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                if (i != 4 && i != 5) { // idle and iowait
                    total += Long.parseLong(cpu[i]);
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
