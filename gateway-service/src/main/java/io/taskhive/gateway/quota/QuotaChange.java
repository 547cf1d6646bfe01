package io.taskhive.gateway.quota;

import jakarta.annotation.Nullable;

import io.swagger.v3.oas.annotations.media.Schema;

/** An admin's limits for one user; null puts a limit back to the configured default. */
public record QuotaChange(
        @Nullable @Schema(description = "Most tasks running at once; null: the default", minimum = "1", example = "50")
        Integer maxRunning,
        @Nullable @Schema(description = "Most tasks waiting; null: the default", minimum = "1", example = "10000")
        Integer maxQueued) {
}
