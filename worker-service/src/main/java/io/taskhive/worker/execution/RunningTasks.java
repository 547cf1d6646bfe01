package io.taskhive.worker.execution;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The tasks this replica is running right now, by id, with the thread each runs on and, once it
 * has been interrupted, why: the reason decides what the interrupted attempt becomes.
 */
@Component
public class RunningTasks {

    /** Why a running task was interrupted. */
    public enum Interruption {
        /** It ran past its timeout: a failed attempt. */
        TIMEOUT,
        /** It was cancelled, or is no longer this replica's: its outcome will not count. */
        WITHDRAWN,
        /** The replica is shutting down: handed back without costing an attempt. */
        SHUTDOWN
    }

    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    Running started(UUID taskId, int attempt, Thread thread) {
        Running task = new Running(attempt, thread);
        running.put(taskId, task);
        return task;
    }

    /** After this no interrupt reaches the task's thread any more (and none is left pending). */
    void finished(UUID taskId) {
        Running task = running.remove(taskId);
        if (task != null) {
            task.complete();
        }
    }

    /** Interrupts the task if it runs here; true if it did. */
    public boolean interrupt(UUID taskId, Interruption reason) {
        Running task = running.get(taskId);
        if (task == null) {
            return false;
        }
        task.interrupt(reason);
        return true;
    }

    /** Interrupts every running task. */
    public void interruptAll(Interruption reason) {
        running.values().forEach(task -> task.interrupt(reason));
    }

    /** The attempts running here, by task id. */
    public Map<UUID, Integer> attempts() {
        Map<UUID, Integer> attempts = new java.util.HashMap<>();
        running.forEach((id, task) -> attempts.put(id, task.attempt));
        return attempts;
    }

    public int count() {
        return running.size();
    }

    static final class Running {

        final int attempt;
        private final Thread thread;
        private volatile Interruption interruption;
        private boolean done;

        Running(int attempt, Thread thread) {
            this.attempt = attempt;
            this.thread = thread;
        }

        synchronized void interrupt(Interruption reason) {
            if (interruption == null && !done) {
                interruption = reason;
                thread.interrupt();
            }
        }

        /** Called on the task's own thread when it stops running. */
        synchronized void complete() {
            done = true;
            Thread.interrupted();
        }

        Interruption interruption() {
            return interruption;
        }
    }
}
