package io.taskhive.task;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/**
 * One status change of a task: written by the same statement that makes the change (see
 * {@link TaskRepository}), read for a task's history.
 */
@Entity
@Immutable
@Table(name = "task_transitions")
public class TaskTransition {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "task_id", nullable = false)
    private UUID taskId;

    @Enumerated(EnumType.STRING)
    @Column(name = "from_status")
    private TaskStatus fromStatus;

    @Enumerated(EnumType.STRING)
    @Column(name = "to_status", nullable = false)
    private TaskStatus toStatus;

    @Column(nullable = false)
    private Instant at;

    @Column(name = "worker_id")
    private String workerId;

    private int attempt;

    private String detail;

    protected TaskTransition() {
    }

    public Long getId() {
        return id;
    }

    public UUID getTaskId() {
        return taskId;
    }

    public TaskStatus getFromStatus() {
        return fromStatus;
    }

    public TaskStatus getToStatus() {
        return toStatus;
    }

    public Instant getAt() {
        return at;
    }

    public String getWorkerId() {
        return workerId;
    }

    public int getAttempt() {
        return attempt;
    }

    public String getDetail() {
        return detail;
    }
}
