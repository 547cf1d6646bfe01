package io.taskhive.task.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing ({@link TaskFinder#page}), newest first.
 *
 * @param page       its number, from 0
 * @param totalItems how many tasks the filter matches in all, or, when not {@code totalExact}, how
 *                   many were counted before the count stopped ({@link TaskFinder#COUNT_LIMIT}):
 *                   more match, at least one beyond this page
 */
public record TaskPage<T>(List<T> items, int page, int size, long totalItems, boolean totalExact) {

    /** The pages of {@link #totalItems}: all of them, or the counted ones when not {@link #totalExact}. */
    public int totalPages() {
        return (int) ((totalItems + size - 1) / size);
    }

    public boolean hasNext() {
        return !totalExact || page + 1 < totalPages();
    }

    public <R> TaskPage<R> map(Function<T, R> mapping) {
        return new TaskPage<>(items.stream().map(mapping).toList(), page, size, totalItems, totalExact);
    }
}
