package io.taskhive.gateway.task;

import java.util.List;

import org.springframework.data.domain.Page;

/** A page of results in a stable JSON shape (Spring's Page serializes unpredictably). */
public record PageView<T>(List<T> items, int page, int size, long totalItems, int totalPages) {

    public static <T> PageView<T> of(Page<T> page) {
        return new PageView<>(page.getContent(), page.getNumber(), page.getSize(), page.getTotalElements(),
                page.getTotalPages());
    }
}
