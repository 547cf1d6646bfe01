package io.taskhive.gateway;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
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
 * @param delayed          tasks submitted to run later
 * @param dispatch         fair dispatch: when tasks are held back, and how the rounds publish them
 * @param quotas           each user's limits, unless an admin set their own
 * @param shutdownDelay    on shutdown, how long the gateway goes on serving after its readiness turned
 *                         503 and before its listeners stop, so that a load balancer polling
 *                         readiness (HAProxy under Compose) stops sending it requests first; 0 where
 *                         something else waits before the signal (Kubernetes: the preStop sleep)
 */
@Validated
@ConfigurationProperties("taskhive.gateway")
public record GatewayProperties(
        @DefaultValue("8388608") @Min(1024) int maxRequestBytes,
        @DefaultValue("65536") @Min(64) @Max(MAX_PAYLOAD_BYTES) int maxPayloadBytes,
        @DefaultValue("1000") @Min(1) @Max(100_000) int maxBatchSize,
        @DefaultValue("10") @Min(1) @Max(100) int maxAttemptsLimit,
        @DefaultValue("3600") @Min(1) @Max(86_400) int maxTimeoutSeconds,
        @DefaultValue("60s") Duration maxWait,
        @DefaultValue @Valid RateLimit rateLimit,
        @DefaultValue @Valid Outbox outbox,
        @DefaultValue @Valid Delayed delayed,
        @DefaultValue @Valid Dispatch dispatch,
        @DefaultValue @Valid Quotas quotas,
        @DefaultValue("0s") Duration shutdownDelay) {

    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    /**
     * @param tasksPerSecond sustained submissions per user
     * @param burst          how many a user may submit at once after a quiet spell
     */
    public record RateLimit(@DefaultValue("1000") @Min(1) int tasksPerSecond, @DefaultValue("10000") @Min(1) int burst) {
    }

    /**
     * @param confirmGrace   how long a freshly published task may wait for the broker's confirm
     *                       before the relay publishes it again
     * @param retryAfter     how long the relay waits for a confirm of its own publication before it
     *                       tries again
     * @param relayInterval  how often the relay looks for due tasks
     * @param relayBatchSize most tasks the relay claims per round
     */
    public record Outbox(@DefaultValue("5s") Duration confirmGrace, @DefaultValue("10s") Duration retryAfter,
            @DefaultValue("1s") Duration relayInterval, @DefaultValue("500") @Min(1) @Max(10_000) int relayBatchSize) {
    }

    /**
     * @param maxDelay         furthest ahead a task may be asked to run ({@code runAt}, {@code delay})
     * @param releaseInterval  how often each gateway looks for scheduled tasks that came due: a due
     *                         task waits at most about this long (plus the release of those due
     *                         before it) to be queued
     * @param releaseBatchSize most due tasks queued per statement: tasks due together are best
     *                         released together, before their dispatch begins to compete with
     *                         the rest of their release
     */
    public record Delayed(@DefaultValue("365d") Duration maxDelay, @DefaultValue("200ms") Duration releaseInterval,
            @DefaultValue("10000") @Min(1) @Max(50_000) int releaseBatchSize) {
    }

    /**
     * @param ahead         most tasks published and not started yet (in the broker and the workers'
     *                      prefetch) before new tasks are held back for the dispatch rounds, which
     *                      publish them in priority and fair order; a new task waits behind about
     *                      this many, at most twice as many when a round was publishing as it came
     * @param roundInterval how often each gateway runs a dispatch round when no submission wakes it
     * @param roundSize     most held tasks one round publishes
     * @param countsMaxAge  how old the counts may be that a gateway decides by without asking the
     *                      database again (the backlog, a user's running and waiting tasks; past
     *                      10,000 waiting tasks, that count one interval more per 10,000, unless it
     *                      would refuse a submission)
     */
    public record Dispatch(@DefaultValue("1000") @Min(1) int ahead, @DefaultValue("100ms") Duration roundInterval,
            @DefaultValue("1000") @Min(1) @Max(10_000) int roundSize,
            @DefaultValue("200ms") Duration countsMaxAge) {
    }

    /**
     * @param maxRunning tasks of one user running at once (counting those published to run)
     * @param maxQueued  tasks of one user waiting (SCHEDULED, QUEUED, RETRYING); submissions past it
     *                   are refused with 429
     */
    public record Quotas(@DefaultValue("1000") @Min(1) int maxRunning, @DefaultValue("100000") @Min(1) int maxQueued) {
    }
}
