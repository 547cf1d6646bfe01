package io.taskhive.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.task.TaskStatus;

/**
 * The worker's task meters, tagged by task type (a registered type: few values) and outcome, never
 * by task or user. Each meter is built once per tag combination and kept, so recording costs a map
 * lookup, not a registration.
 *
 * <ul>
 * <li>{@code taskhive.tasks.started}: attempts claimed (or computed ahead, for pure types)</li>
 * <li>{@code taskhive.tasks.completed}: final outcomes by {@code status} (SUCCEEDED, FAILED, DEAD),
 * including tasks the orphan sweeper declares DEAD</li>
 * <li>{@code taskhive.tasks.retried}: failed attempts scheduled for a retry</li>
 * <li>{@code taskhive.tasks.orphaned}: tasks of a dead worker, by {@code action}: {@code returned}
 * (the sweeper queued them again), {@code dead} (the sweeper found no attempts left),
 * {@code taken_over} (a redelivered message claimed from a dead holder)</li>
 * <li>{@code taskhive.tasks.run} and {@code taskhive.tasks.queue.wait}: timers with histogram
 * buckets at the service-level objectives below (so p99 can be computed across replicas); the wait
 * is from queued to started, for tasks claimed from QUEUED (a retry's wait is its backoff)</li>
 * </ul>
 */
@Component
public class WorkerMeters {

    private static final Duration[] SLOS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5)};

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    WorkerMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    public void started(String type) {
        counter("taskhive.tasks.started", "Attempts started", type, null, null).increment();
    }

    public void completed(String type, TaskStatus status) {
        counter("taskhive.tasks.completed", "Tasks that reached a final status", type, "status", status.name())
                .increment();
    }

    public void retried(String type) {
        counter("taskhive.tasks.retried", "Failed attempts scheduled for a retry", type, null, null).increment();
    }

    public void orphaned(String type, String action) {
        counter("taskhive.tasks.orphaned", "Tasks of workers that stopped heartbeating", type, "action", action)
                .increment();
    }

    public void ran(String type, long nanos) {
        timer("taskhive.tasks.run", "Run time of the task type's code", type).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** From queued to started; ignored when either time is unknown. */
    public void waited(String type, Instant queuedAt, Instant startedAt) {
        if (queuedAt != null && startedAt != null) {
            timer("taskhive.tasks.queue.wait", "From queued to started", type)
                    .record(Math.max(0, Duration.between(queuedAt, startedAt).toNanos()), TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String name, String description, String type, String tag, String value) {
        String key = tag == null ? name + '|' + type : name + '|' + type + '|' + value;
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = counters.computeIfAbsent(key, k -> {
                Counter.Builder builder = Counter.builder(name).description(description).tag("type", type);
                return (tag == null ? builder : builder.tag(tag, value)).register(meters);
            });
        }
        return counter;
    }

    private Timer timer(String name, String description, String type) {
        String key = name + '|' + type;
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(name).description(description).tag("type", type)
                    .serviceLevelObjectives(SLOS).register(meters));
        }
        return timer;
    }
}
