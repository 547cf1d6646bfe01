package io.taskhive.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WorkerPropertiesTest {

    @Test
    void theDefaultsAreConsistent() {
        WorkerProperties defaults = new WorkerProperties(null, null, null, null, null, null);
        assertThat(defaults.orphanGrace()).isGreaterThanOrEqualTo(defaults.heartbeatInterval().multipliedBy(3));
        assertThat(defaults.shutdownGrace()).isPositive();
    }

    @Test
    void anOrphanGraceShorterThanThreeHeartbeatsIsRefusedAtStart() {
        assertThatThrownBy(() -> new WorkerProperties(null, null, Duration.ofSeconds(10), Duration.ofSeconds(20),
                null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orphan-grace (PT20S) must be at least three heartbeat-intervals (PT30S)");
        assertThat(new WorkerProperties(null, null, Duration.ofSeconds(10), Duration.ofSeconds(30), null, null)
                .orphanGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aShutdownGraceLongerThanTheOrphanGraceIsAllowedSinceADrainingWorkerKeepsHeartbeating() {
        assertThat(new WorkerProperties(null, null, null, Duration.ofSeconds(20), Duration.ofMinutes(5), null)
                .shutdownGrace()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void zeroOrNegativeIntervalsAreRefused() {
        assertThatThrownBy(() -> new WorkerProperties(null, null, Duration.ZERO, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new WorkerProperties(null, null, null, null, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }
}
