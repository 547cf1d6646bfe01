package io.taskhive.fleet;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

/** A worker replica as its heartbeats describe it; written by the worker, read by admins. */
@Entity
@Immutable
@Table(name = "workers")
public class WorkerInstance {

    @Id
    private String id;

    private String host;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "last_seen")
    private Instant lastSeen;

    private int running;

    private int capacity;

    @Column(name = "stopped_at")
    private Instant stoppedAt;

    @Column(name = "draining_since")
    private Instant drainingSince;

    protected WorkerInstance() {
    }

    public String getId() {
        return id;
    }

    public String getHost() {
        return host;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public int getRunning() {
        return running;
    }

    public int getCapacity() {
        return capacity;
    }

    public Instant getStoppedAt() {
        return stoppedAt;
    }

    /** Since when it has been finishing its tasks before it stops (it takes no new ones), or null. */
    public Instant getDrainingSince() {
        return drainingSince;
    }
}
