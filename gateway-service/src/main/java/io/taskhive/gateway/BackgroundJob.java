package io.taskhive.gateway;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The thread of one of the gateway's periodic jobs (retention, recurring schedules, the release of
 * scheduled tasks): a daemon thread of its own, since Spring's {@code @Scheduled} methods share one
 * thread and a long run of one job must not hold up the others or the outbox relay. Stopping lets
 * the piece of work in flight finish (a JDBC statement is not interruptible) and starts no other.
 */
public final class BackgroundJob {

    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final String threadName;
    private volatile ScheduledExecutorService executor;

    public BackgroundJob(String threadName) {
        this.threadName = threadName;
    }

    /** Starts: {@code work} runs every {@code interval}, counted from the end of one run to the next. */
    public void startWithFixedDelay(Runnable work, Duration interval) {
        long millis = Math.max(1, interval.toMillis());
        start().scheduleWithFixedDelay(work, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Starts: {@code work} runs once after {@code millis}, and plans its next run with {@link #runAfter}. */
    public void startAfter(Runnable work, long millis) {
        start().schedule(work, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} after {@code millis}, unless the job has stopped meanwhile. */
    public void runAfter(Runnable work, long millis) {
        ScheduledExecutorService current = executor;
        if (current != null && !current.isShutdown()) {
            current.schedule(work, millis, TimeUnit.MILLISECONDS);
        }
    }

    private ScheduledExecutorService start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(threadName).factory());
        executor = started;
        return started;
    }

    public void stop() {
        ScheduledExecutorService current = executor;
        executor = null;
        if (current != null) {
            current.shutdownNow();
            try {
                current.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return executor != null;
    }
}
