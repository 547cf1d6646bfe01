package io.taskhive.gateway.schedule;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Recurring schedules ({@code taskhive.schedules.*}).
 *
 * @param enabled             false: this gateway serves the API but creates no task from a
 *                            schedule (another replica's ticker does)
 * @param tickInterval        how often the ticker looks for due schedules: the most a slot's task
 *                            is late when a gateway is up
 * @param lateAfter           a due slot older than this when a ticker reaches it was missed (no
 *                            ticker ran then) and follows its schedule's {@link MissedRunPolicy};
 *                            younger ones are merely late and run
 * @param batchSize           most schedules claimed by one transaction of the ticker
 * @param maxPerUser          most schedules one user may have
 * @param minInterval         shortest interval a schedule may have (cron fires at most once a
 *                            second anyway)
 * @param maxMissedRunsLimit  the largest {@code maxMissedRuns} a schedule may declare
 * @param nextRunTimes        how many upcoming slots a schedule's view shows
 */
@Validated
@ConfigurationProperties("taskhive.schedules")
public record ScheduleProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("250ms") Duration tickInterval,
        @DefaultValue("5s") Duration lateAfter,
        @DefaultValue("100") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("50") @Min(1) @Max(100_000) int maxPerUser,
        @DefaultValue("1s") Duration minInterval,
        @DefaultValue("100") @Min(1) @Max(100_000) int maxMissedRunsLimit,
        @DefaultValue("5") @Min(1) @Max(100) int nextRunTimes) {

    public ScheduleProperties {
        requirePositive("tick-interval", tickInterval);
        requirePositive("late-after", lateAfter);
        requirePositive("min-interval", minInterval);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("taskhive.schedules." + name + " must be positive");
        }
    }
}
