package io.taskhive.task;

import java.time.Instant;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.springframework.data.domain.Persistable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

/**
 * A submitted task. Created by the gateway; after that its status only changes through the guarded
 * statements of {@link TaskRepository}, never by loading and saving the entity, so that concurrent
 * writers (workers, cancels, the relay) cannot overwrite each other.
 */
@Entity
@Table(name = "tasks")
public class Task implements Persistable<UUID> {

    @Id
    private UUID id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    private long ownerId;

    @Column(nullable = false, updatable = false)
    private String type;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    private String payload;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private TaskStatus status;

    @JdbcTypeCode(SqlTypes.JSON)
    private String result;

    private String error;

    private int attempts;

    @Column(name = "max_attempts")
    private int maxAttempts;

    @Column(name = "idempotency_key", updatable = false)
    private String idempotencyKey;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "queued_at")
    private Instant queuedAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "worker_id")
    private String workerId;

    @Column(name = "dispatch_due_at")
    private Instant dispatchDueAt;

    @Column(name = "dispatch_seq")
    private int dispatchSeq;

    @Column(name = "timeout_seconds", updatable = false)
    private Integer timeoutSeconds;

    /** The W3C traceparent of the submission, carried by every publication of the task. */
    @Column(updatable = false)
    private String traceparent;

    @Version
    private long version;

    @Transient
    private boolean isNew;

    protected Task() {
    }

    /** A new task, queued now, whose message must reach the broker by {@code dispatchDueAt}. */
    public static Task queued(long ownerId, String type, String payloadJson, int maxAttempts,
            Integer timeoutSeconds, String idempotencyKey, Instant now, Instant dispatchDueAt) {
        Task task = new Task();
        task.id = TaskIds.next();
        task.ownerId = ownerId;
        task.type = type;
        task.payload = payloadJson;
        task.status = TaskStatus.QUEUED;
        task.maxAttempts = maxAttempts;
        task.timeoutSeconds = timeoutSeconds;
        task.idempotencyKey = idempotencyKey;
        task.createdAt = now;
        task.queuedAt = now;
        task.dispatchDueAt = dispatchDueAt;
        task.dispatchSeq = 1;
        task.isNew = true;
        return task;
    }

    /** Set before the task is stored: the trace its submission belongs to (null: none). */
    public Task tracedBy(String submissionTraceparent) {
        this.traceparent = submissionTraceparent;
        return this;
    }

    public String getTraceparent() {
        return traceparent;
    }

    /**
     * This task as a worker's final outcome left it, from the announcement of that outcome rather
     * than read back: a detached copy for showing, never saved.
     */
    public Task finishedAs(TaskStatus finalStatus, String resultJson, String finalError, int finalAttempts,
            int finalMaxAttempts, Instant finalQueuedAt, Instant finalStartedAt, Instant finishedAt,
            String finalWorkerId) {
        Task task = new Task();
        task.id = id;
        task.ownerId = ownerId;
        task.type = type;
        task.payload = payload;
        task.status = finalStatus;
        task.result = resultJson;
        task.error = finalError;
        task.attempts = finalAttempts;
        task.maxAttempts = finalMaxAttempts;
        task.timeoutSeconds = timeoutSeconds;
        task.idempotencyKey = idempotencyKey;
        task.createdAt = createdAt;
        task.queuedAt = finalQueuedAt;
        task.startedAt = finalStartedAt;
        task.finishedAt = finishedAt;
        task.workerId = finalWorkerId;
        task.dispatchSeq = dispatchSeq;
        task.version = version;
        return task;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public String getType() {
        return type;
    }

    public String getPayload() {
        return payload;
    }

    public TaskStatus getStatus() {
        return status;
    }

    public String getResult() {
        return result;
    }

    public String getError() {
        return error;
    }

    public int getAttempts() {
        return attempts;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getQueuedAt() {
        return queuedAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public String getWorkerId() {
        return workerId;
    }

    public Instant getDispatchDueAt() {
        return dispatchDueAt;
    }

    /** Which publication the outbox mark stands for (see {@link TaskRepository#markDispatched}). */
    public int getDispatchSeq() {
        return dispatchSeq;
    }

    /** Identifies this publication of the task in a publisher confirm. */
    public String dispatchKey() {
        return id + ":" + dispatchSeq;
    }

    /** This task's own timeout per attempt, or null for its type's. */
    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public long getVersion() {
        return version;
    }
}
