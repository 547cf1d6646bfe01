package io.taskhive.gateway.quota;

import jakarta.annotation.Nullable;

import io.swagger.v3.oas.annotations.media.Schema;

/** A user's limits, where they come from, and their tasks counted against them. */
public record QuotaView(
        long userId,
        @Schema(description = "Most tasks running at once (counting those published to run): more wait QUEUED")
        int maxRunning,
        @Schema(description = "Most tasks waiting (SCHEDULED, QUEUED, RETRYING): more are refused with 429")
        int maxQueued,
        @Nullable @Schema(description = "The user's own maxRunning, set by an admin; null: the default")
        Integer ownMaxRunning,
        @Nullable @Schema(description = "The user's own maxQueued, set by an admin; null: the default")
        Integer ownMaxQueued,
        @Schema(description = "Tasks running, or published and about to start") long running,
        @Schema(description = "Tasks SCHEDULED, QUEUED or RETRYING") long waiting) {
}
