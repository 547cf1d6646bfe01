package io.taskhive.worker.execution;

import java.time.Duration;
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
import io.taskhive.task.store.AttemptStore;
import io.taskhive.task.store.Claim;
import io.taskhive.task.store.ClaimedTask;
import io.taskhive.task.store.Computed;
import io.taskhive.task.store.FinishedTask;
import io.taskhive.task.store.Outcome;
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

    private final AttemptStore store;
    private final WorkerIdentity identity;
    private final Duration aliveWithin;
    private final Coalescer<Claim, Optional<ClaimedTask>> claims;
    private final Coalescer<Outcome, Optional<FinishedTask>> outcomes;
    private final Coalescer<Computed, Optional<FinishedTask>> completions;

    BatchedWrites(AttemptStore store, WorkerIdentity identity, WorkerProperties properties) {
        this.store = store;
        this.identity = identity;
        this.aliveWithin = properties.orphanGrace();
        this.claims = new Coalescer<>("task-claims", MAX_BATCH, CONCURRENT_BATCHES, this::claimAll);
        this.outcomes = new Coalescer<>("task-outcomes", MAX_BATCH, CONCURRENT_BATCHES, this::finishAll);
        this.completions = new Coalescer<>("task-completions", MAX_BATCH, CONCURRENT_BATCHES, this::completeAll);
    }

    /** Claims the task (QUEUED or RETRYING, or RUNNING on a dead holder with {@code takeOver}). */
    Optional<ClaimedTask> claim(UUID taskId, boolean takeOver) throws InterruptedException {
        return claims.callAndWait(new Claim(taskId, takeOver));
    }

    /** Records a final outcome; empty if the task had moved on (cancelled, taken over). */
    Optional<FinishedTask> finish(Outcome outcome) throws InterruptedException {
        return outcomes.callAndWait(outcome);
    }

    /**
     * Claims a QUEUED or RETRYING pure task and records its result, in one statement; empty if it
     * was in no state to be claimed (cancelled, finished, held by another worker).
     */
    Optional<FinishedTask> complete(Computed computed) throws InterruptedException {
        return completions.callAndWait(computed);
    }

    private List<Optional<ClaimedTask>> claimAll(List<Claim> requests) {
        // The same task asked for twice at once (a redelivered copy and a republished one): one
        // claim, which may take over if either copy may.
        Map<UUID, Boolean> takeOver = new LinkedHashMap<>();
        for (Claim request : requests) {
            takeOver.merge(request.taskId(), request.takeOver(), Boolean::logicalOr);
        }
        List<Claim> distinct = takeOver.entrySet().stream().map(e -> new Claim(e.getKey(), e.getValue())).toList();
        Map<UUID, ClaimedTask> claimed = new HashMap<>();
        for (ClaimedTask task : store.claim(distinct, identity.id(), aliveWithin)) {
            claimed.put(task.id(), task);
        }
        List<Optional<ClaimedTask>> results = new ArrayList<>(requests.size());
        for (Claim request : requests) {
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
            Map<UUID, FinishedTask> written = byId(store.finish(round, identity.id()));
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
        Map<UUID, Computed> distinct = new LinkedHashMap<>();
        for (Computed computed : batch) {
            distinct.putIfAbsent(computed.taskId(), computed);
        }
        Map<UUID, FinishedTask> completed = byId(store.complete(List.copyOf(distinct.values()), identity.id()));
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
