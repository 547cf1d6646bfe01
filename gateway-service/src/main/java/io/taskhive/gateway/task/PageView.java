package io.taskhive.gateway.task;

import java.util.List;

import io.taskhive.task.store.TaskPage;

/** A page of results in the API's JSON shape. */
public record PageView<T>(List<T> items, int page, int size, long totalItems, int totalPages) {

    public static <T> PageView<T> of(TaskPage<T> page) {
        return new PageView<>(page.items(), page.page(), page.size(), page.totalItems(), page.totalPages());
    }
}
