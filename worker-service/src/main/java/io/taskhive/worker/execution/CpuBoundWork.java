package io.taskhive.worker.execution;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;
import tools.jackson.databind.JsonNode;

/**
 * Runs CPU-bound task types on one platform thread per core. A virtual thread that computes
 * without blocking keeps its carrier thread, and with as many carriers as cores a few such tasks
 * would stall every other task's I/O; here the task's virtual thread just waits for the result.
 */
@Component
class CpuBoundWork {

    private final ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().daemon().name("cpu-task-", 0).factory());

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
