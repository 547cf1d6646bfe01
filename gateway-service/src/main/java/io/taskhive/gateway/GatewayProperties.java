package io.taskhive.gateway;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Limits and timings of the gateway ({@code taskhive.gateway.*}).
 *
 * @param maxRequestBytes  largest HTTP request body accepted (a batch of tasks included)
 * @param maxPayloadBytes  largest payload of one task, as stored (at most {@link #MAX_PAYLOAD_BYTES}, so
 *                         that a task's message, in PostgreSQL's rendering of its JSON, stays well
 *                         under the largest message body a worker accepts)
 * @param maxBatchSize     most tasks in one batch submission
 * @param maxAttemptsLimit highest {@code maxAttempts} a submitter may ask for
 * @param maxTimeoutSeconds highest per-task {@code timeoutSeconds} a submitter may ask for
 * @param maxWait          longest a submission may wait for its task's outcome (HTTP {@code ?wait=},
 *                         TCP {@code "wait"}, seed 1's synchronous requests)
 * @param rateLimit        per-user submission rate limit
 * @param outbox           publication of submitted tasks to the broker
 * @param shutdownDelay    on shutdown, how long the gateway goes on serving after its readiness turned
 *                         503 and before its listeners stop, so that a load balancer polling
 *                         readiness (HAProxy under Compose) stops sending it requests first; 0 where
 *                         something else waits before the signal (Kubernetes: the preStop sleep)
 */
@Validated
@ConfigurationProperties("taskhive.gateway")
public record GatewayProperties(
        @Min(1024) Integer maxRequestBytes,
        @Min(64) @Max(MAX_PAYLOAD_BYTES) Integer maxPayloadBytes,
        @Min(1) @Max(100_000) Integer maxBatchSize,
        @Min(1) @Max(100) Integer maxAttemptsLimit,
        @Min(1) @Max(86_400) Integer maxTimeoutSeconds,
        Duration maxWait,
        @Valid RateLimit rateLimit,
        @Valid Outbox outbox,
        Duration shutdownDelay) {

    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    public GatewayProperties {
        maxRequestBytes = maxRequestBytes == null ? 8 * 1024 * 1024 : maxRequestBytes;
        maxPayloadBytes = maxPayloadBytes == null ? 64 * 1024 : maxPayloadBytes;
        maxBatchSize = maxBatchSize == null ? 1_000 : maxBatchSize;
        maxAttemptsLimit = maxAttemptsLimit == null ? 10 : maxAttemptsLimit;
        maxTimeoutSeconds = maxTimeoutSeconds == null ? 3_600 : maxTimeoutSeconds;
        maxWait = maxWait == null ? Duration.ofSeconds(60) : maxWait;
        rateLimit = rateLimit == null ? new RateLimit(null, null) : rateLimit;
        outbox = outbox == null ? new Outbox(null, null, null, null) : outbox;
        shutdownDelay = shutdownDelay == null ? Duration.ofSeconds(0) : shutdownDelay;
    }

    /**
     * @param tasksPerSecond sustained submissions per user
     * @param burst          how many a user may submit at once after a quiet spell
     */
    public record RateLimit(@Min(1) Integer tasksPerSecond, @Min(1) Integer burst) {
        public RateLimit {
            tasksPerSecond = tasksPerSecond == null ? 1_000 : tasksPerSecond;
            burst = burst == null ? 10_000 : burst;
        }
    }

    /**
     * @param confirmGrace   how long a freshly published task may wait for the broker's confirm
     *                       before the relay publishes it again
     * @param retryAfter     how long the relay waits for a confirm of its own publication before it
     *                       tries again
     * @param relayInterval  how often the relay looks for due tasks
     * @param relayBatchSize most tasks the relay claims per round
     */
    public record Outbox(Duration confirmGrace, Duration retryAfter, Duration relayInterval,
            @Min(1) @Max(10_000) Integer relayBatchSize) {
        public Outbox {
            confirmGrace = confirmGrace == null ? Duration.ofSeconds(5) : confirmGrace;
            retryAfter = retryAfter == null ? Duration.ofSeconds(10) : retryAfter;
            relayInterval = relayInterval == null ? Duration.ofSeconds(1) : relayInterval;
            relayBatchSize = relayBatchSize == null ? 500 : relayBatchSize;
        }
    }
}
