package io.taskhive.task;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Limits and settings of the built-in task types ({@code taskhive.tasks.*}). */
@Validated
@ConfigurationProperties("taskhive.tasks")
public record TaskTypesProperties(
        @Min(1) @Max(1_000_000) Integer maxTextLength,
        @Min(1) @Max(86_400) Integer maxSleepSeconds,
        @NotNull Duration namedDuration) {

    public TaskTypesProperties {
        maxTextLength = maxTextLength == null ? 16_384 : maxTextLength;
        maxSleepSeconds = maxSleepSeconds == null ? 300 : maxSleepSeconds;
        namedDuration = namedDuration == null ? Duration.ofSeconds(1) : namedDuration;
    }
}
