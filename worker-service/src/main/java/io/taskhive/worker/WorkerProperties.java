package io.taskhive.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How a worker replica behaves ({@code taskhive.worker.*}).
 *
 * @param id                 this replica's id in the {@code workers} table; blank: host name plus a
 *                           random suffix
 * @param maxInFlight        how many tasks one replica holds at once (the AMQP prefetch); they run on
 *                           virtual threads, so thousands of sleeping tasks cost little
 * @param heartbeatInterval  how often the replica refreshes its row in {@code workers}
 * @param infrastructureRetryDelay how long to wait before handing a message back to the broker when
 *                           the database could not be reached, so an outage is not a hot loop
 */
@Validated
@ConfigurationProperties("taskhive.worker")
public record WorkerProperties(
        String id,
        @Min(1) @Max(65_535) Integer maxInFlight,
        Duration heartbeatInterval,
        Duration infrastructureRetryDelay) {

    public WorkerProperties {
        maxInFlight = maxInFlight == null ? 2_000 : maxInFlight;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(5) : heartbeatInterval;
        infrastructureRetryDelay = infrastructureRetryDelay == null ? Duration.ofSeconds(2) : infrastructureRetryDelay;
    }
}
