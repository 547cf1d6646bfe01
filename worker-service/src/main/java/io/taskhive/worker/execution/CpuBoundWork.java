package io.taskhive.worker.execution;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;
import tools.jackson.databind.JsonNode;

/**
 * Runs CPU-bound task types on one platform thread per core. A virtual thread that computes
 * without blocking keeps its carrier thread, and with as many carriers as cores a few such tasks
 * would stall every other task's I/O; here the task's virtual thread just waits for the result.
 *
 * <p>Such a task is claimed only once it has its {@link Turn}: a few per core. Claimed earlier, it
 * would be RUNNING while it waits for a core, and its timeout, counted from the claim, could run
 * out before it started; unclaimed, it waits in its unacknowledged message, still QUEUED.
 */
@Component
class CpuBoundWork {

    private static final int TURNS_PER_CORE = 2;

    private final int cores = Runtime.getRuntime().availableProcessors();
    private final ExecutorService pool = Executors.newFixedThreadPool(cores,
            Thread.ofPlatform().daemon().name("cpu-task-", 0).factory());
    private final Semaphore turns = new Semaphore(cores * TURNS_PER_CORE, true);

    /** The right to claim and run one CPU-bound task; give it back by closing it. */
    final class Turn implements AutoCloseable {

        private final AtomicBoolean held = new AtomicBoolean(true);

        @Override
        public void close() {
            if (held.getAndSet(false)) {
                turns.release();
            }
        }
    }

    /** Waits for a turn (interrupting the wait hands the message back, unclaimed). */
    Turn awaitTurn() {
        try {
            turns.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a core; message handed back", e);
        }
        return new Turn();
    }

    /** The work's result; interrupting the caller (cancel, timeout, shutdown) interrupts the work. */
    JsonNode run(Callable<JsonNode> work) throws Exception {
        Future<JsonNode> result = pool.submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception failure) {
                throw failure;
            }
            throw e;
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
