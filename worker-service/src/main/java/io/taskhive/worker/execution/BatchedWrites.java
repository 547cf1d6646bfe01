package io.taskhive.worker.execution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.taskhive.batching.Coalescer;
import io.taskhive.task.ClaimedTask;
import io.taskhive.task.TaskClaim;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.fleet.WorkerIdentity;
import jakarta.annotation.PreDestroy;

/**
 * The worker's two hot writes, claims and final outcomes, batched across the tasks that run at the
 * same time: one statement and one commit for all the claims (or outcomes) that arrive together
 * (see {@link Coalescer}). Each task still gets exactly its own guarded change; a task alone is
 * written at once.
 */
@Component
class BatchedWrites {

    private static final int MAX_BATCH = 500;
    /** One batch is written while the next one gathers. */
    private static final int CONCURRENT_BATCHES = 2;

    record ClaimRequest(UUID taskId, boolean takeOver) {
    }

    record Outcome(UUID taskId, int attempt, TaskStatus status, String result, String error) {
    }

    private final TaskRepository tasks;
    private final WorkerIdentity identity;
    private final double aliveWithinSeconds;
    private final Coalescer<ClaimRequest, Optional<TaskClaim>> claims;
    private final Coalescer<Outcome, Boolean> outcomes;

    BatchedWrites(TaskRepository tasks, WorkerIdentity identity, WorkerProperties properties) {
        this.tasks = tasks;
        this.identity = identity;
        this.aliveWithinSeconds = properties.orphanGrace().toMillis() / 1000.0;
        this.claims = new Coalescer<>("task-claims", MAX_BATCH, CONCURRENT_BATCHES, this::claimAll);
        this.outcomes = new Coalescer<>("task-outcomes", MAX_BATCH, CONCURRENT_BATCHES, this::finishAll);
    }

    /** Claims the task (QUEUED or RETRYING, or RUNNING on a dead holder with {@code takeOver}). */
    Optional<TaskClaim> claim(UUID taskId, boolean takeOver) throws InterruptedException {
        return claims.call(new ClaimRequest(taskId, takeOver));
    }

    /** Records a final outcome; false if the task had moved on (cancelled, taken over). */
    boolean finish(Outcome outcome) throws InterruptedException {
        return outcomes.call(outcome);
    }

    private List<Optional<TaskClaim>> claimAll(List<ClaimRequest> requests) {
        // The same message delivered twice at once: only its first copy may claim.
        Set<UUID> seen = new HashSet<>();
        List<UUID> ids = new ArrayList<>();
        List<Boolean> takeOver = new ArrayList<>();
        for (ClaimRequest request : requests) {
            if (seen.add(request.taskId())) {
                ids.add(request.taskId());
                takeOver.add(request.takeOver());
            }
        }
        Map<UUID, TaskClaim> claimed = new HashMap<>();
        for (Object[] row : tasks.claimAll(ids.toArray(UUID[]::new), takeOver.toArray(Boolean[]::new), identity.id(),
                aliveWithinSeconds)) {
            ClaimedTask task = ClaimedTask.of(row);
            claimed.put(task.id(), task);
        }
        List<Optional<TaskClaim>> results = new ArrayList<>(requests.size());
        for (ClaimRequest request : requests) {
            results.add(Optional.ofNullable(claimed.remove(request.taskId())));
        }
        return results;
    }

    private List<Boolean> finishAll(List<Outcome> batch) {
        // One outcome per task and attempt can exist; a duplicate could only repeat it.
        Map<UUID, Outcome> unique = new HashMap<>();
        for (Outcome outcome : batch) {
            unique.putIfAbsent(outcome.taskId(), outcome);
        }
        List<Outcome> written = new ArrayList<>(unique.values());
        Set<UUID> recorded = new HashSet<>(tasks.finishAll(
                written.stream().map(Outcome::taskId).toArray(UUID[]::new),
                written.stream().map(Outcome::attempt).toArray(Integer[]::new),
                written.stream().map(o -> o.status().name()).toArray(String[]::new),
                written.stream().map(Outcome::result).toArray(String[]::new),
                written.stream().map(Outcome::error).toArray(String[]::new), identity.id()));
        List<Boolean> results = new ArrayList<>(batch.size());
        for (Outcome outcome : batch) {
            results.add(unique.get(outcome.taskId()) == outcome && recorded.contains(outcome.taskId()));
        }
        return results;
    }

    @PreDestroy
    void stop() {
        claims.close();
        outcomes.close();
    }
}
