package io.taskhive.gateway.task;

import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.Task;
import io.taskhive.task.TaskRepository;
import io.taskhive.task.TaskStatus;
import io.taskhive.task.TaskTransitionRepository;
import io.taskhive.task.TaskTypeRegistry;

/** Reads tasks: one with its history, or pages of them, for their owner or (admins) for everyone. */
@Service
public class TaskQueries {

    public static final int MAX_PAGE_SIZE = 200;
    public static final int DEFAULT_PAGE_SIZE = 20;

    private final TaskRepository tasks;
    private final TaskTransitionRepository transitions;
    private final TaskTypeRegistry types;
    private final TaskViews views;

    TaskQueries(TaskRepository tasks, TaskTransitionRepository transitions, TaskTypeRegistry types, TaskViews views) {
        this.tasks = tasks;
        this.transitions = transitions;
        this.types = types;
        this.views = views;
    }

    /** One of the owner's tasks with its history; another user's task is "not found". */
    public TaskView get(long ownerId, UUID id) {
        Task task = tasks.findByIdAndOwnerId(id, ownerId).orElseThrow(() -> new TaskNotFoundException(id));
        return views.of(task, transitions.findByTaskIdOrderByIdAsc(id));
    }

    /** Any task with its history (admins). */
    public TaskView getAny(UUID id) {
        Task task = tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
        return views.of(task, transitions.findByTaskIdOrderByIdAsc(id));
    }

    /** Newest first; {@code ownerId} null lists everyone's tasks. */
    public Page<TaskView> list(Long ownerId, TaskStatus status, String type, int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        if (type != null && types.find(type).isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unknown task type '" + type + "'; known types: "
                    + String.join(", ", types.keys()));
        }
        Specification<Task> filter = Specification.unrestricted();
        if (ownerId != null) {
            filter = filter.and((root, query, cb) -> cb.equal(root.get("ownerId"), ownerId));
        }
        if (status != null) {
            filter = filter.and((root, query, cb) -> cb.equal(root.get("status"), status));
        }
        if (type != null) {
            filter = filter.and((root, query, cb) -> cb.equal(root.get("type"), type));
        }
        Sort newestFirst = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
        return tasks.findAll(filter, PageRequest.of(page, size, newestFirst)).map(views::of);
    }
}
