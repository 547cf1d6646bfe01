package io.taskhive.gateway.task;

import java.time.Duration;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;

/**
 * A token bucket per user: each submitted task takes a token; an empty bucket answers 429 with the
 * time until enough tokens are back. Per replica, like the login throttle.
 */
@Component
public class SubmissionRateLimiter {

    private final Cache<Long, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();
    private final Bandwidth bandwidth;

    SubmissionRateLimiter(GatewayProperties properties) {
        GatewayProperties.RateLimit limit = properties.rateLimit();
        this.bandwidth = Bandwidth.builder().capacity(limit.burst())
                .refillGreedy(limit.tasksPerSecond(), Duration.ofSeconds(1)).build();
    }

    public void acquire(long userId, int tasks) {
        Bucket bucket = buckets.get(userId, id -> Bucket.builder().addLimit(bandwidth).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tasks);
        if (!probe.isConsumed()) {
            Duration wait = Duration.ofNanos(Math.min(probe.getNanosToWaitForRefill(), Duration.ofHours(1).toNanos()));
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS,
                    "submission rate limit reached; try again in " + Math.max(1, wait.toSeconds()) + " s",
                    wait.isZero() ? Duration.ofSeconds(1) : wait);
        }
    }
}
