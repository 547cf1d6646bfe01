package io.taskhive.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How a worker replica behaves ({@code taskhive.worker.*}).
 *
 * @param id                      this replica's id in the {@code workers} table; blank: host name
 *                                plus a random suffix
 * @param maxInFlight             how many tasks one replica holds at once (the AMQP prefetch); they
 *                                run on virtual threads, so thousands of sleeping tasks cost little
 * @param heartbeatInterval       how often the replica refreshes its row in {@code workers}
 * @param orphanGrace             a RUNNING task whose holder has not heartbeated for this long is
 *                                retried elsewhere; at least three heartbeats long (checked at start),
 *                                so that one late beat never costs a live replica its tasks
 * @param shutdownGrace           on SIGTERM, how long running tasks may take to finish before they
 *                                are interrupted and handed back (keep it below the platform's kill
 *                                timeout, e.g. Kubernetes' terminationGracePeriodSeconds). It may be
 *                                longer than the orphan grace: a draining replica keeps heartbeating
 * @param databaseRetryInterval   while the database is unreachable: how often to probe it (consumers
 *                                are paused meanwhile) and to retry recording a finished outcome
 */
@Validated
@ConfigurationProperties("taskhive.worker")
public record WorkerProperties(
        String id,
        @Min(1) @Max(65_535) Integer maxInFlight,
        Duration heartbeatInterval,
        Duration orphanGrace,
        Duration shutdownGrace,
        Duration databaseRetryInterval) {

    public WorkerProperties {
        maxInFlight = maxInFlight == null ? 2_000 : maxInFlight;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
        orphanGrace = orphanGrace == null ? Duration.ofSeconds(20) : orphanGrace;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(25) : shutdownGrace;
        databaseRetryInterval = databaseRetryInterval == null ? Duration.ofSeconds(2) : databaseRetryInterval;
        if (!heartbeatInterval.isPositive() || !shutdownGrace.isPositive() || !databaseRetryInterval.isPositive()) {
            throw new IllegalArgumentException("heartbeat-interval, shutdown-grace and database-retry-interval "
                    + "must be positive");
        }
        if (orphanGrace.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("orphan-grace (" + orphanGrace + ") must be at least three "
                    + "heartbeat-intervals (" + heartbeatInterval.multipliedBy(3) + "): a shorter one lets other "
                    + "replicas take over the tasks of a live worker whose heartbeat is a little late");
        }
    }
}
