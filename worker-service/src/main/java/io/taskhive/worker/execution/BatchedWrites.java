package io.taskhive.worker.execution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
        // The same task asked for twice at once (a redelivered copy and a republished one): one
        // claim, which may take over if either copy may.
        Map<UUID, Boolean> takeOver = new LinkedHashMap<>();
        for (ClaimRequest request : requests) {
            takeOver.merge(request.taskId(), request.takeOver(), Boolean::logicalOr);
        }
        Map<UUID, TaskClaim> claimed = new HashMap<>();
        for (Object[] row : tasks.claimAll(takeOver.keySet().toArray(UUID[]::new),
                takeOver.values().toArray(Boolean[]::new), identity.id(), aliveWithinSeconds)) {
            ClaimedTask task = ClaimedTask.of(row);
            claimed.put(task.id(), task);
        }
        List<Optional<TaskClaim>> results = new ArrayList<>(requests.size());
        for (ClaimRequest request : requests) {
            results.add(Optional.ofNullable(claimed.remove(request.taskId())));
        }
        return results;
    }

    /**
     * One statement names a task once, so outcomes of two attempts of the same task (the older
     * one fenced out, which the statement refuses) go in successive statements of the batch; the
     * same attempt twice is written once.
     */
    private List<Boolean> finishAll(List<Outcome> batch) {
        Map<Outcome, Boolean> recorded = new HashMap<>();
        List<List<Outcome>> rounds = new ArrayList<>();
        Map<UUID, Integer> roundsOfTask = new HashMap<>();
        Set<TaskAttempt> seen = new HashSet<>();
        for (Outcome outcome : batch) {
            if (!seen.add(new TaskAttempt(outcome.taskId(), outcome.attempt()))) {
                continue;
            }
            int round = roundsOfTask.merge(outcome.taskId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(outcome);
        }
        for (List<Outcome> round : rounds) {
            Set<UUID> written = new HashSet<>(tasks.finishAll(
                    round.stream().map(Outcome::taskId).toArray(UUID[]::new),
                    round.stream().map(Outcome::attempt).toArray(Integer[]::new),
                    round.stream().map(o -> o.status().name()).toArray(String[]::new),
                    round.stream().map(Outcome::result).toArray(String[]::new),
                    round.stream().map(Outcome::error).toArray(String[]::new), identity.id()));
            for (Outcome outcome : round) {
                recorded.put(outcome, written.contains(outcome.taskId()));
            }
        }
        List<Boolean> results = new ArrayList<>(batch.size());
        for (Outcome outcome : batch) {
            results.add(recorded.getOrDefault(outcome, false));
        }
        return results;
    }

    private record TaskAttempt(UUID taskId, int attempt) {
    }

    @PreDestroy
    void stop() {
        claims.close();
        outcomes.close();
    }
}
