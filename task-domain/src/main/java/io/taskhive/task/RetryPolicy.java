package io.taskhive.task;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;

/**
 * Exponential backoff with jitter between automatic attempts ({@code taskhive.retry.*}): the
 * n-th retry waits between half and all of {@code initialDelay × multiplier^(n-1)}, capped at
 * {@code maxDelay}. The jitter keeps a burst of failures from coming back as a burst.
 *
 * @param initialDelay the wait before the second attempt (before jitter)
 * @param maxDelay     the longest wait between two attempts
 * @param multiplier   how much longer each wait is than the one before
 */
@Validated
@ConfigurationProperties("taskhive.retry")
public record RetryPolicy(@DefaultValue("1s") Duration initialDelay, @DefaultValue("1h") Duration maxDelay,
        @DefaultValue("2.0") @DecimalMin("1.0") @DecimalMax("100.0") double multiplier) {

    /** The wait before the attempt after {@code failedAttempt} (1 for the first attempt). */
    public Duration delayAfter(int failedAttempt) {
        double ceiling = Math.min(maxDelay.toMillis(),
                initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1)));
        double jittered = ceiling * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }
}
