package io.taskhive.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.annotation.Nullable;
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
 * @param handBackTimeout         after the shutdown grace, how long the interrupted tasks may take to
 *                                be handed back (requeued) before the replica exits anyway
 * @param databaseRetryInterval   while the database is unreachable: how often to probe it (consumers
 *                                are paused meanwhile) and to retry recording a finished outcome
 */
@Validated
@ConfigurationProperties("taskhive.worker")
public record WorkerProperties(
        @Nullable String id,
        @DefaultValue("2000") @Min(1) @Max(65_535) int maxInFlight,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("20s") Duration orphanGrace,
        @DefaultValue("25s") Duration shutdownGrace,
        @DefaultValue("5s") Duration handBackTimeout,
        @DefaultValue("2s") Duration databaseRetryInterval) {

    public WorkerProperties {
        if (!heartbeatInterval.isPositive() || !shutdownGrace.isPositive() || !handBackTimeout.isPositive()
                || !databaseRetryInterval.isPositive()) {
            throw new IllegalArgumentException("heartbeat-interval, shutdown-grace, hand-back-timeout and "
                    + "database-retry-interval must be positive");
        }
        if (orphanGrace.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("orphan-grace (" + orphanGrace + ") must be at least three "
                    + "heartbeat-intervals (" + heartbeatInterval.multipliedBy(3) + "): a shorter one lets other "
                    + "replicas take over the tasks of a live worker whose heartbeat is a little late");
        }
    }
}
