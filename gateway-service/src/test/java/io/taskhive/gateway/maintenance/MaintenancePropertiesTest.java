package io.taskhive.gateway.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The table maintenance's settings as Spring binds them from properties or environment variables. */
class MaintenancePropertiesTest {

    private static MaintenanceProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("taskhive.maintenance", MaintenanceProperties.class);
    }

    @Test
    void onByDefaultEveryMinuteAtAutovacuumsPace() {
        MaintenanceProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.costDelay()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void aZeroOrNegativeIntervalAndAnOutOfRangeCostDelayAreRefusedByName() {
        assertThatThrownBy(() -> bind(Map.of("taskhive.maintenance.interval", "0s")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessageContaining("taskhive.maintenance.interval must be positive");
        assertThatThrownBy(() -> bind(Map.of("taskhive.maintenance.cost-delay", "1s")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessageContaining("taskhive.maintenance.cost-delay must be between 0 and 100ms");
        assertThatThrownBy(() -> bind(Map.of("taskhive.maintenance.cost-delay", "-1ms")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessageContaining("taskhive.maintenance.cost-delay");
        assertThat(bind(Map.of("taskhive.maintenance.cost-delay", "0ms")).costDelay()).isZero();
    }
}
