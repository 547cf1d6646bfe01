package io.taskhive.task.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing ({@link TaskFinder#page}), newest first.
 *
 * @param page       its number, from 0
 * @param totalItems how many tasks the filter matches in all
 */
public record TaskPage<T>(List<T> items, int page, int size, long totalItems) {

    public int totalPages() {
        return (int) ((totalItems + size - 1) / size);
    }

    public <R> TaskPage<R> map(Function<T, R> mapping) {
        return new TaskPage<>(items.stream().map(mapping).toList(), page, size, totalItems);
    }
}
