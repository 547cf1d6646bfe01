package io.taskhive.task;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A task claimed in a batch ({@link TaskRepository#claimAll}), read from the statement's rows
 * directly: at hundreds of rows a batch, a projection proxy per row costs more than the claim.
 */
public record ClaimedTask(UUID id, long ownerId, String fromStatusName, int attempt, int maxAttempts,
        Integer timeoutSeconds, Instant at, long transitionId, Instant queuedAt) implements TaskClaim {

    /**
     * A row of {@link TaskRepository#claimAll}: id, owner, from status, attempt, max attempts, timeout,
     * time, history row, when it was last queued.
     */
    public static ClaimedTask of(Object[] row) {
        return new ClaimedTask((UUID) row[0], ((Number) row[1]).longValue(), (String) row[2],
                ((Number) row[3]).intValue(), ((Number) row[4]).intValue(),
                row[5] == null ? null : ((Number) row[5]).intValue(), instant(row[6]), ((Number) row[7]).longValue(),
                row[8] == null ? null : instant(row[8]));
    }

    /** A timestamp column as JDBC and Hibernate may hand it over. */
    public static Instant instant(Object value) {
        return switch (value) {
            case Instant instant -> instant;
            case OffsetDateTime offset -> offset.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            default -> throw new IllegalArgumentException("not a timestamp: " + value);
        };
    }

    @Override
    public long getOwnerId() {
        return ownerId;
    }

    @Override
    public String getFromStatus() {
        return fromStatusName;
    }

    @Override
    public int getAttempt() {
        return attempt;
    }

    @Override
    public int getMaxAttempts() {
        return maxAttempts;
    }

    @Override
    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @Override
    public Instant getAt() {
        return at;
    }

    @Override
    public Instant getQueuedAt() {
        return queuedAt;
    }

    @Override
    public long getTransitionId() {
        return transitionId;
    }
}
