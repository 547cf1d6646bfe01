package io.taskhive.task;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Limits and settings of the built-in task types ({@code taskhive.tasks.*}).
 *
 * @param maxTextLength   longest text (in characters) the text task types accept
 * @param maxSleepSeconds longest {@code sleep} a task may ask for
 * @param namedDuration   how long a seed 2 {@code named} task simulates work
 */
@Validated
@ConfigurationProperties("taskhive.tasks")
public record TaskTypesProperties(
        @DefaultValue("16384") @Min(1) @Max(1_000_000) int maxTextLength,
        @DefaultValue("300") @Min(1) @Max(86_400) int maxSleepSeconds,
        @DefaultValue("1s") @NotNull Duration namedDuration) {
}
