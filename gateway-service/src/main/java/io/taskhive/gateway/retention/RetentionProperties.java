package io.taskhive.gateway.retention;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.taskhive.task.TaskStatus;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How long finished tasks are kept ({@code taskhive.retention.*}). A task and its history are
 * deleted once its {@code finished_at} is older than the age of its status; an age of 0 keeps
 * that status forever (an absent or empty value means the default age, as for every setting). Tasks that have not finished are never deleted, and a
 * FAILED or DEAD task retried by an admin has not finished any more.
 *
 * @param enabled          false keeps every task forever (no replica purges)
 * @param succeeded        age after which SUCCEEDED tasks are deleted: their result has been read
 *                         or streamed within minutes, and a week covers a client that comes back
 *                         after a weekend
 * @param cancelled        the same for CANCELLED tasks, which nobody will run again
 * @param failed           the same for FAILED tasks: longer, since an admin may still want to read
 *                         the error or retry them after a holiday or a fix
 * @param dead             the same for DEAD tasks, for the same reason
 * @param batchSize        most tasks deleted by one statement (one short transaction): the rows it
 *                         locks and the WAL it writes at once
 * @param maxBatchesPerRun most batches in one run; what is still due waits for the next run, so a
 *                         first run over a long history spreads its deletes over many runs
 * @param interval         the pause between the end of one run and the start of the next (and
 *                         after the start, before the first)
 * @param pause            the pause between two batches of a run, which leaves the database to
 *                         submissions, workers and vacuum for a moment
 */
@Validated
@ConfigurationProperties("taskhive.retention")
public record RetentionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("7d") Duration succeeded,
        @DefaultValue("7d") Duration cancelled,
        @DefaultValue("30d") Duration failed,
        @DefaultValue("30d") Duration dead,
        @DefaultValue("1000") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("100") @Min(1) @Max(100_000) int maxBatchesPerRun,
        @DefaultValue("1m") Duration interval,
        @DefaultValue("20ms") Duration pause) {

    public RetentionProperties {
        succeeded = age("succeeded", succeeded);
        cancelled = age("cancelled", cancelled);
        failed = age("failed", failed);
        dead = age("dead", dead);
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("taskhive.retention.interval must be positive");
        }
        if (pause == null || pause.isNegative()) {
            throw new IllegalArgumentException("taskhive.retention.pause must not be negative");
        }
    }

    /** The age of each status that is purged at all (a status kept forever is absent). */
    public Map<TaskStatus, Duration> ages() {
        Map<TaskStatus, Duration> ages = new EnumMap<>(TaskStatus.class);
        Map.of(TaskStatus.SUCCEEDED, succeeded, TaskStatus.CANCELLED, cancelled, TaskStatus.FAILED, failed,
                TaskStatus.DEAD, dead).forEach((status, age) -> {
                    if (!age.isZero()) {
                        ages.put(status, age);
                    }
                });
        return Collections.unmodifiableMap(ages);
    }

    private static Duration age(String status, Duration age) {
        if (age == null || age.isNegative()) {
            throw new IllegalArgumentException("taskhive.retention." + status
                    + " must be 0 (keep forever) or a positive age, not " + age);
        }
        return age;
    }
}
