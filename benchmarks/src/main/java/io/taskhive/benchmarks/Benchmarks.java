package io.taskhive.benchmarks;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * taskhive's benchmarks: each starts the packaged services on this machine (see
 * {@link SystemUnderTest}), runs its workload, prints what it measured and ends with one
 * {@code RESULT name=...} line. Run from the repository root; {@code benchmarks/run} builds first.
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true,
        subcommands = {ThroughputBenchmark.class, LatencyBenchmark.class, SubmitLatencyBenchmark.class,
                ConcurrencyBenchmark.class, ScaleOutBenchmark.class, ConnectionsBenchmark.class, SseBenchmark.class,
                HistoryBenchmark.class, StartupBenchmark.class, SchedulingBenchmark.class},
        description = "taskhive benchmarks; each ends with a line RESULT name=... key=value ...")
public final class Benchmarks {

    public static void main(String[] args) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
        int exit = new CommandLine(new Benchmarks()).execute(args);
        System.exit(exit);
    }
}
