package io.taskhive.gateway.maintenance;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Table maintenance where autovacuum does not cover a table ({@code taskhive.maintenance.*}).
 *
 * @param enabled   false leaves every table to the database's own autovacuum, or to nobody
 * @param interval  the pause between the end of one check of the tables and the start of the next
 *                  (and after the start, before the first)
 * @param costDelay the {@code vacuum_cost_delay} of the maintenance's own {@code VACUUM}s: the
 *                  pause it takes each time it has done a share of I/O, so that it leaves the disk to
 *                  submissions and workers as autovacuum does (2 ms is autovacuum's own default); 0
 *                  vacuums at full speed
 */
@Validated
@ConfigurationProperties("taskhive.maintenance")
public record MaintenanceProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration interval,
        @DefaultValue("2ms") Duration costDelay) {

    public MaintenanceProperties {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("taskhive.maintenance.interval must be positive");
        }
        if (costDelay == null || costDelay.isNegative() || costDelay.toMillis() > 100) {
            throw new IllegalArgumentException("taskhive.maintenance.cost-delay must be between 0 and 100ms, not "
                    + costDelay);
        }
    }
}
