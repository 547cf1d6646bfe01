package io.taskhive.gateway.task;

import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.Task;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.task.store.TaskFilter;
import io.taskhive.task.store.TaskFinder;
import io.taskhive.task.store.TaskPage;

/** Reads tasks: one with its history, or pages of them, for their owner or (admins) for everyone. */
@Service
public class TaskQueries {

    public static final int MAX_PAGE_SIZE = 200;
    public static final int DEFAULT_PAGE_SIZE = 20;

    private final TaskFinder tasks;
    private final TaskTypeRegistry types;
    private final TaskViews views;

    TaskQueries(TaskFinder tasks, TaskTypeRegistry types, TaskViews views) {
        this.tasks = tasks;
        this.types = types;
        this.views = views;
    }

    /** One of the owner's tasks with its history; another user's task is "not found". */
    public TaskView get(long ownerId, UUID id) {
        Task task = tasks.findOwned(id, ownerId).orElseThrow(() -> new TaskNotFoundException(id));
        return views.of(task, tasks.history(id));
    }

    /** Any task with its history (admins). */
    public TaskView getAny(UUID id) {
        Task task = tasks.find(id).orElseThrow(() -> new TaskNotFoundException(id));
        return views.of(task, tasks.history(id));
    }

    /** Newest first; {@code ownerId} null lists everyone's tasks. */
    public TaskPage<TaskView> list(Long ownerId, TaskStatus status, String type, int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        if (type != null && types.find(type).isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unknown task type '" + type + "'; known types: "
                    + String.join(", ", types.keys()));
        }
        return tasks.page(new TaskFilter(ownerId, status, type), page, size).map(views::of);
    }
}
