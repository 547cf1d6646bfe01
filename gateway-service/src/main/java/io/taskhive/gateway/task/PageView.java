package io.taskhive.gateway.task;

import java.util.List;

import io.taskhive.task.store.TaskPage;

/**
 * A page of results in the API's JSON shape.
 *
 * @param totalExact false when the count stopped at its limit: {@code totalItems} (and
 *                   {@code totalPages}) are then a lower bound, and a next page exists
 */
public record PageView<T>(List<T> items, int page, int size, long totalItems, int totalPages,
        boolean totalExact) {

    public static <T> PageView<T> of(TaskPage<T> page) {
        return new PageView<>(page.items(), page.page(), page.size(), page.totalItems(), page.totalPages(),
                page.totalExact());
    }
}
