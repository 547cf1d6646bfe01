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
import io.taskhive.task.FinishedTask;
import io.taskhive.task.TaskClaim;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatements;
import io.taskhive.task.TaskStatus;
import io.taskhive.worker.WorkerProperties;
import io.taskhive.worker.fleet.WorkerIdentity;
import jakarta.annotation.PreDestroy;

/**
 * The worker's hot writes, batched across the tasks that run at the same time: claims, final
 * outcomes, and completions of pure tasks computed before their claim (claim and outcome in one).
 * One statement and one commit for all the writes of a kind that arrive together (see
 * {@link Coalescer}). Each task still gets exactly its own guarded change; a task alone is written
 * at once.
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

    /** The result (JSON text) of a pure task, computed before its claim. */
    record Computed(UUID taskId, String result) {
    }

    private final TaskRepository tasks;
    private final TaskStatements statements;
    private final WorkerIdentity identity;
    private final double aliveWithinSeconds;
    private final Coalescer<ClaimRequest, Optional<TaskClaim>> claims;
    private final Coalescer<Outcome, Optional<FinishedTask>> outcomes;
    private final Coalescer<Computed, Optional<FinishedTask>> completions;

    BatchedWrites(TaskRepository tasks, TaskStatements statements, WorkerIdentity identity,
            WorkerProperties properties) {
        this.tasks = tasks;
        this.statements = statements;
        this.identity = identity;
        this.aliveWithinSeconds = properties.orphanGrace().toMillis() / 1000.0;
        this.claims = new Coalescer<>("task-claims", MAX_BATCH, CONCURRENT_BATCHES, this::claimAll);
        this.outcomes = new Coalescer<>("task-outcomes", MAX_BATCH, CONCURRENT_BATCHES, this::finishAll);
        this.completions = new Coalescer<>("task-completions", MAX_BATCH, CONCURRENT_BATCHES, this::completeAll);
    }

    /** Claims the task (QUEUED or RETRYING, or RUNNING on a dead holder with {@code takeOver}). */
    Optional<TaskClaim> claim(UUID taskId, boolean takeOver) throws InterruptedException {
        return claims.call(new ClaimRequest(taskId, takeOver));
    }

    /** Records a final outcome; empty if the task had moved on (cancelled, taken over). */
    Optional<FinishedTask> finish(Outcome outcome) throws InterruptedException {
        return outcomes.call(outcome);
    }

    /**
     * Claims a QUEUED or RETRYING pure task and records its result, in one statement; empty if it
     * was in no state to be claimed (cancelled, finished, held by another worker).
     */
    Optional<FinishedTask> complete(Computed computed) throws InterruptedException {
        return completions.call(computed);
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
    private List<Optional<FinishedTask>> finishAll(List<Outcome> batch) {
        Map<Outcome, FinishedTask> recorded = new HashMap<>();
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
            Map<UUID, FinishedTask> written = byId(statements.finishAll(
                    round.stream().map(Outcome::taskId).toArray(UUID[]::new),
                    round.stream().map(Outcome::attempt).toArray(Integer[]::new),
                    round.stream().map(o -> o.status().name()).toArray(String[]::new),
                    round.stream().map(Outcome::result).toArray(String[]::new),
                    round.stream().map(Outcome::error).toArray(String[]::new), identity.id()));
            for (Outcome outcome : round) {
                FinishedTask finished = written.get(outcome.taskId());
                if (finished != null) {
                    recorded.put(outcome, finished);
                }
            }
        }
        List<Optional<FinishedTask>> results = new ArrayList<>(batch.size());
        for (Outcome outcome : batch) {
            results.add(Optional.ofNullable(recorded.get(outcome)));
        }
        return results;
    }

    /** The same task computed twice at once (two copies of its message): completed once. */
    private List<Optional<FinishedTask>> completeAll(List<Computed> batch) {
        Map<UUID, String> results = new LinkedHashMap<>();
        for (Computed computed : batch) {
            results.putIfAbsent(computed.taskId(), computed.result());
        }
        Map<UUID, FinishedTask> completed = byId(statements.completeAll(results.keySet().toArray(UUID[]::new),
                results.values().toArray(String[]::new), identity.id()));
        List<Optional<FinishedTask>> outcomes = new ArrayList<>(batch.size());
        for (Computed computed : batch) {
            outcomes.add(Optional.ofNullable(completed.remove(computed.taskId())));
        }
        return outcomes;
    }

    private static Map<UUID, FinishedTask> byId(List<FinishedTask> tasks) {
        Map<UUID, FinishedTask> byId = new HashMap<>();
        for (FinishedTask task : tasks) {
            byId.put(task.id(), task);
        }
        return byId;
    }

    private record TaskAttempt(UUID taskId, int attempt) {
    }

    @PreDestroy
    void stop() {
        claims.close();
        outcomes.close();
        completions.close();
    }
}
