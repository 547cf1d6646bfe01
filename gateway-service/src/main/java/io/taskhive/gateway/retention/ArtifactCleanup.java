package io.taskhive.gateway.retention;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.taskhive.artifact.ArtifactProperties;
import io.taskhive.artifact.ArtifactStorageException;
import io.taskhive.artifact.ArtifactStore;
import io.taskhive.task.store.TaskFinder;

/**
 * Deletes artifact objects no task refers to: those of tasks retention just deleted, and orphans
 * (an upload whose outcome was never written: its worker died, or the store was unreachable when
 * the loser's object was to go). An object younger than {@code orphan-age} is never an orphan: its
 * attempt may still be recording its outcome. A storage that cannot be reached leaves the objects
 * for the next run; nothing here fails a retention run.
 */
@Component
public class ArtifactCleanup {

    private static final Logger log = LoggerFactory.getLogger(ArtifactCleanup.class);
    /** Objects listed per sweep: a sweep stays short, and the next run goes on. */
    private static final int SWEEP_LIMIT = 1_000;

    private final ArtifactStore store;
    private final TaskFinder tasks;
    private final ArtifactProperties properties;
    /** Where the next sweep goes on: each sweep examines the next objects, round the bucket. */
    private volatile String cursor;

    ArtifactCleanup(ArtifactStore store, TaskFinder tasks, ArtifactProperties properties) {
        this.store = store;
        this.tasks = tasks;
        this.properties = properties;
    }

    /** The objects of deleted tasks. */
    public void deleted(List<String> keys) {
        if (keys.isEmpty() || !store.available()) {
            return;
        }
        try {
            store.delete(keys);
        } catch (ArtifactStorageException e) {
            log.warn("{} artifact(s) of purged tasks not deleted yet (the orphan sweep will): {}", keys.size(),
                    e.getMessage());
        }
    }

    /** Deletes the orphans among the oldest objects; returns how many. */
    public int sweepOrphans() {
        if (!store.available()) {
            return 0;
        }
        try {
            List<String> old = store.listOlderThan(Instant.now().minus(properties.orphanAge()), cursor, SWEEP_LIMIT);
            cursor = old.size() < SWEEP_LIMIT ? null : old.getLast();
            Set<String> referenced = tasks.referencedArtifacts(old);
            List<String> orphans = old.stream().filter(key -> !referenced.contains(key)).toList();
            if (!orphans.isEmpty()) {
                store.delete(orphans);
                log.info("deleted {} orphaned artifact(s)", orphans.size());
            }
            return orphans.size();
        } catch (ArtifactStorageException e) {
            log.warn("orphaned artifacts not swept, storage unavailable: {}", e.getMessage());
            return 0;
        }
    }
}
