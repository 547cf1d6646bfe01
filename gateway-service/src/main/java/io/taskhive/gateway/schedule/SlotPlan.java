package io.taskhive.gateway.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Which slots of a schedule get a task now, and where the schedule goes on: the arithmetic of the
 * ticker, apart from the database so it can be tested alone.
 *
 * @param run      the slots to create a task for, oldest first
 * @param skipped  the due slots that get no task (missed ones the policy drops)
 * @param nextRunAt the first slot after {@code now}, or null if the cadence has none left
 */
record SlotPlan(List<Instant> run, long skipped, @Nullable Instant nextRunAt) {

    /** Most missed slots walked one by one (a one-second schedule after eleven days down). */
    private static final int MAX_STEPS = 1_000_000;

    /**
     * The plan for a schedule whose next slot is {@code dueFrom}, at {@code now}. The due slots are
     * those from {@code dueFrom} to {@code now}; one later than {@code lateAfter} was missed (no
     * ticker ran then) and is handled by {@code policy}; the others run.
     */
    static SlotPlan at(Cadence cadence, Instant dueFrom, Instant now, MissedRunPolicy policy, int maxMissedRuns,
            Duration lateAfter) {
        Instant lateBefore = now.minus(lateAfter);
        int keep = policy == MissedRunPolicy.RUN_ALL ? maxMissedRuns : 1;
        Deque<Instant> missed = new ArrayDeque<>();
        long missedCount = 0;
        List<Instant> onTime = new ArrayList<>();
        Instant slot = dueFrom;
        int steps = 0;
        while (slot != null && !slot.isAfter(now)) {
            if (slot.isBefore(lateBefore)) {
                missedCount++;
                missed.addLast(slot);
                if (missed.size() > keep) {
                    missed.removeFirst();
                }
            } else {
                onTime.add(slot);
            }
            if (++steps == MAX_STEPS && slot.isBefore(lateBefore)) {
                // A second-by-second cron after a month down: stop walking the missed stretch one
                // slot at a time and go on from the last on-time one (the count and the missed
                // slots kept are then those of the first million).
                slot = cadence.next(lateBefore.minusNanos(1));
                continue;
            }
            slot = cadence.next(slot);
        }
        List<Instant> run = new ArrayList<>();
        if (policy != MissedRunPolicy.SKIP) {
            run.addAll(missed);
        }
        run.addAll(onTime);
        long skipped = missedCount - (policy == MissedRunPolicy.SKIP ? 0 : missed.size());
        return new SlotPlan(List.copyOf(run), skipped, slot);
    }
}
