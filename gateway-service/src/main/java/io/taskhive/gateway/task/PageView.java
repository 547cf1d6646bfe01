package io.taskhive.gateway.task;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import io.taskhive.task.store.TaskPage;

/**
 * A page of results in the API's JSON shape.
 *
 * @param totalExact false when the count stopped at its limit: {@code totalItems} (and
 *                   {@code totalPages}) are then a lower bound, and a next page exists
 */
public record PageView<T>(List<T> items, int page, int size,
        @Schema(description = "How many match in all; when totalExact is false, how many were counted "
                + "(at least 1,000, or to the end of this page): more match") long totalItems,
        @Schema(description = "The pages of totalItems") int totalPages,
        @Schema(description = "False when the count stopped at its limit: totalItems and totalPages are "
                + "lower bounds and a next page exists") boolean totalExact) {

    public static <T> PageView<T> of(TaskPage<T> page) {
        return new PageView<>(page.items(), page.page(), page.size(), page.totalItems(), page.totalPages(),
                page.totalExact());
    }
}
