package io.taskhive.gateway.events;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Server-sent event streams of status changes ({@code taskhive.sse.*}).
 *
 * @param heartbeat        how often an idle stream gets a comment line, so that proxies (HAProxy's
 *                         {@code timeout tunnel}, the Ingress's read timeout) never see it silent
 *                         for long, and a client that went away is noticed (the write fails)
 * @param reconnectDelay   the {@code retry:} a client is told to wait before it reconnects
 * @param maxStreams       streams one gateway holds at once; one more gets 503
 * @param maxStreamsPerUser streams one user holds at once (on this gateway); one more gets 429
 * @param bufferSize       changes a stream may fall behind by (a slow reader, or changes arriving
 *                         while its history is replayed) before it is closed: its client resumes
 *                         with {@code Last-Event-ID} and catches up from the database
 * @param replayLimit      most stored changes one connection replays; a stream with more to replay
 *                         ends after them, and the client's reconnection replays the next ones
 */
@Validated
@ConfigurationProperties("taskhive.sse")
public record SseProperties(
        Duration heartbeat,
        Duration reconnectDelay,
        @Min(1) @Max(1_000_000) Integer maxStreams,
        @Min(1) @Max(10_000) Integer maxStreamsPerUser,
        @Min(16) @Max(1_000_000) Integer bufferSize,
        @Min(1) @Max(1_000_000) Integer replayLimit) {

    public SseProperties {
        heartbeat = heartbeat == null ? Duration.ofSeconds(15) : heartbeat;
        reconnectDelay = reconnectDelay == null ? Duration.ofSeconds(3) : reconnectDelay;
        maxStreams = maxStreams == null ? 10_000 : maxStreams;
        maxStreamsPerUser = maxStreamsPerUser == null ? 16 : maxStreamsPerUser;
        bufferSize = bufferSize == null ? 1_024 : bufferSize;
        replayLimit = replayLimit == null ? 10_000 : replayLimit;
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("taskhive.sse.heartbeat must be positive");
        }
    }
}
