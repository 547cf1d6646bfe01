package io.taskhive.gateway.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.taskhive.task.TaskStatus;

/** The retention settings as Spring binds them from properties or environment variables. */
class RetentionPropertiesTest {

    private static RetentionProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("taskhive.retention", RetentionProperties.class);
    }

    @Test
    void theDefaultsPurgeEveryFinalStatusSucceededAndCancelledSoonerThanFailures() {
        RetentionProperties defaults = bind(Map.of());
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.ages()).containsExactlyInAnyOrderEntriesOf(Map.of(
                TaskStatus.SUCCEEDED, Duration.ofDays(7), TaskStatus.CANCELLED, Duration.ofDays(7),
                TaskStatus.FAILED, Duration.ofDays(30), TaskStatus.DEAD, Duration.ofDays(30)));
        assertThat(defaults.batchSize()).isEqualTo(1000);
        assertThat(defaults.interval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void zeroKeepsThatStatusForeverAndAnEmptyValueMeansTheDefault() {
        RetentionProperties kept = bind(Map.of("taskhive.retention.dead", "0", "taskhive.retention.failed", "",
                "taskhive.retention.succeeded", "36h"));
        assertThat(kept.ages()).containsOnlyKeys(TaskStatus.SUCCEEDED, TaskStatus.CANCELLED, TaskStatus.FAILED)
                .containsEntry(TaskStatus.SUCCEEDED, Duration.ofHours(36))
                .containsEntry(TaskStatus.FAILED, Duration.ofDays(30));
    }

    @Test
    void aNegativeAgeOrIntervalIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("taskhive.retention.cancelled", "-1d")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("taskhive.retention.cancelled");
        assertThatThrownBy(() -> bind(Map.of("taskhive.retention.interval", "0s")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("interval must be positive");
    }
}
