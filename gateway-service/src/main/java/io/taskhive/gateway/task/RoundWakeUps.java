package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * When the next dispatch round starts ({@link FairDispatch}): after a planned wait, or sooner when a
 * held submission {@link #wake wakes} it, but never sooner than {@code gap} after the last round
 * started. Without that least gap a stream of held submissions (no worker taking tasks, or a flood)
 * would run a round per submission, each counting the backlog on the cores the submissions need;
 * with it an urgent task waits at most {@code gap} longer for its round.
 */
final class RoundWakeUps {

    private final Semaphore wakeUp = new Semaphore(0);
    private final long gapNanos;

    RoundWakeUps(Duration gap) {
        this.gapNanos = gap.toNanos();
    }

    /** Asks for a round now rather than at the end of the planned wait; wake-ups meanwhile are one. */
    void wake() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    /**
     * Waits up to {@code planned} for a wake-up, then, if woken, until {@code gap} after
     * {@code roundStarted} (a {@link System#nanoTime} reading). Wake-ups until it returns are
     * answered by the round that follows.
     */
    void awaitNextRound(long roundStarted, Duration planned) throws InterruptedException {
        if (wakeUp.tryAcquire(planned.toNanos(), TimeUnit.NANOSECONDS)) {
            long early = gapNanos - (System.nanoTime() - roundStarted);
            if (early > 0) {
                TimeUnit.NANOSECONDS.sleep(early);
            }
        }
        wakeUp.drainPermits();
    }
}
