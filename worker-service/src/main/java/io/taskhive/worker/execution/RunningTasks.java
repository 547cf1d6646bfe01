package io.taskhive.worker.execution;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** The tasks this replica is running right now, by id, with the thread each runs on. */
@Component
public class RunningTasks {

    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    void started(UUID taskId, int attempt, Thread thread) {
        running.put(taskId, new Running(attempt, thread));
    }

    void finished(UUID taskId) {
        running.remove(taskId);
    }

    /** Interrupts the task if it runs here; true if it did. */
    public boolean interrupt(UUID taskId) {
        Running task = running.get(taskId);
        if (task == null) {
            return false;
        }
        task.thread().interrupt();
        return true;
    }

    public int count() {
        return running.size();
    }

    private record Running(int attempt, Thread thread) {
    }
}
