package io.taskhive.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The schedules' settings as Spring binds them from properties or environment variables. */
class SchedulePropertiesTest {

    private static ScheduleProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("taskhive.schedules", ScheduleProperties.class);
    }

    @Test
    void theDefaultsTickFourTimesASecondAndAllowOneSecondIntervals() {
        ScheduleProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.tickInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.lateAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.minInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.maxPerUser()).isEqualTo(50);
        assertThat(defaults.nextRunTimes()).isEqualTo(5);
        assertThat(bind(Map.of("taskhive.schedules.max-per-user", "3")).maxPerUser()).isEqualTo(3);
    }

    @Test
    void aZeroOrNegativeDurationIsRefusedAtStartup() {
        assertThatThrownBy(() -> bind(Map.of("taskhive.schedules.tick-interval", "0s")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("tick-interval must be positive");
        assertThatThrownBy(() -> bind(Map.of("taskhive.schedules.late-after", "-1s")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("late-after must be positive");
    }
}
