package io.taskhive.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.testing.ConfigurationBinding;

class WorkerPropertiesTest {

    private static WorkerProperties bind(Map<String, String> settings) {
        return ConfigurationBinding.bind("taskhive.worker", WorkerProperties.class, settings);
    }

    @Test
    void theDefaultsAreConsistent() {
        WorkerProperties defaults = bind(Map.of());
        assertThat(defaults.orphanGrace()).isGreaterThanOrEqualTo(defaults.heartbeatInterval().multipliedBy(3));
        assertThat(defaults.shutdownGrace()).isPositive();
        assertThat(defaults.handBackTimeout()).isPositive();
        assertThat(defaults.maxInFlight()).isEqualTo(2_000);
        assertThat(defaults.id()).isNull();
    }

    @Test
    void anOrphanGraceShorterThanThreeHeartbeatsIsRefusedAtStart() {
        assertThatThrownBy(() -> bind(Map.of("heartbeat-interval", "10s", "orphan-grace", "20s")))
                .rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orphan-grace (PT20S) must be at least three heartbeat-intervals (PT30S)");
        assertThat(bind(Map.of("heartbeat-interval", "10s", "orphan-grace", "30s")).orphanGrace())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aShutdownGraceLongerThanTheOrphanGraceIsAllowedSinceADrainingWorkerKeepsHeartbeating() {
        assertThat(bind(Map.of("orphan-grace", "20s", "shutdown-grace", "5m")).shutdownGrace())
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void zeroOrNegativeIntervalsAreRefused() {
        assertThatThrownBy(() -> bind(Map.of("heartbeat-interval", "0s"))).rootCause()
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> bind(Map.of("shutdown-grace", "-1s"))).rootCause()
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> bind(Map.of("hand-back-timeout", "0s"))).rootCause()
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void theDatabaseProbeNeedsAPositiveIntervalSinceItReschedulesItself() {
        assertThatThrownBy(() -> bind(Map.of("database-retry-interval", "0ms"))).rootCause()
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database-retry-interval");
        assertThat(bind(Map.of("database-retry-interval", "1ms")).databaseRetryInterval()).isEqualTo(Duration.ofMillis(1));
    }
}
