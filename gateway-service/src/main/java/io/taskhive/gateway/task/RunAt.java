package io.taskhive.gateway.task;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

/**
 * Reads when a submitter wants a task to run, as REST, TCP and the CLI all send it: {@code runAt}
 * an ISO-8601 instant with its offset, or {@code delay} a duration in the form Spring reads in
 * configuration ({@code 30s}, {@code 5m}, {@code PT90S}) or a bare number of seconds. What cannot be
 * read is a 400 that shows an accepted form.
 */
final class RunAt {

    private RunAt() {
    }

    static Instant parseInstant(String text, String where) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    where + "runAt is an ISO-8601 time with its offset, e.g. 2026-12-01T09:00:00Z, not \""
                            + abbreviated(text) + "\"");
        }
    }

    static Duration parseDelay(String text, String where) {
        Duration delay;
        try {
            delay = DurationStyle.detectAndParse(text.strip(), ChronoUnit.SECONDS);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    where + "delay is a duration such as 30s, 5m, 2h, PT90S or a number of seconds, not \""
                            + abbreviated(text) + "\"");
        }
        if (delay.isNegative()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, where + "delay must not be negative");
        }
        return delay;
    }

    /** {@code 365 days}, {@code 2 hours}: a limit as a person reads it. */
    static String describe(Duration duration) {
        if (duration.toDays() > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + " days";
        }
        if (duration.toHours() > 0 && duration.equals(Duration.ofHours(duration.toHours()))) {
            return duration.toHours() + " hours";
        }
        return duration.toSeconds() + " seconds";
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
