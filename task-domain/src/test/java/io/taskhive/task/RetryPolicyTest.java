package io.taskhive.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.taskhive.testing.ConfigurationBinding;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0);

    @Test
    void delaysGrowExponentiallyWithJitterBetweenHalfAndAll() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long ceiling = 1_000L << (attempt - 1);
            for (int i = 0; i < 200; i++) {
                assertThat(policy.delayAfter(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void delaysAreCappedAndTheJitterSpreadsThem() {
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delayAfter(40)).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
        }
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> policy.delayAfter(3).toMillis())
                .distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void defaultsApplyWhenNothingIsConfigured() {
        RetryPolicy defaults = ConfigurationBinding.bind("taskhive.retry", RetryPolicy.class, java.util.Map.of());
        assertThat(defaults.initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.maxDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.multiplier()).isEqualTo(2.0);
    }
}
