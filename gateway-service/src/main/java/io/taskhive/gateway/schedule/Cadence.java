package io.taskhive.gateway.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;

/** When a schedule's slots fall: pure arithmetic on instants, no clock of its own. */
sealed interface Cadence {

    /** The first slot strictly after {@code after}, or null if there is none (a cron that never fires again). */
    @Nullable
    Instant next(Instant after);

    /**
     * A cron expression (Spring's six fields, seconds first, or a macro such as {@code @hourly})
     * read in a time zone, so {@code 0 0 9 * * MON-FRI} is nine in the morning there, summer and
     * winter.
     */
    record Cron(CronExpression expression, ZoneId zone) implements Cadence {

        @Override
        public @Nullable Instant next(Instant after) {
            ZonedDateTime next = expression.next(after.atZone(zone));
            return next == null ? null : next.toInstant();
        }
    }

    /**
     * Every {@code every}, counted from {@code anchor}: the slots are {@code anchor + k × every},
     * so they stay the same whichever gateway computes them and however late it does.
     */
    record Every(Duration every, Instant anchor) implements Cadence {

        @Override
        public Instant next(Instant after) {
            if (after.isBefore(anchor)) {
                return anchor;
            }
            long everyNanos = every.toNanos();
            long steps = Duration.between(anchor, after).toNanos() / everyNanos + 1;
            return anchor.plusNanos(Math.multiplyExact(steps, everyNanos));
        }
    }
}
