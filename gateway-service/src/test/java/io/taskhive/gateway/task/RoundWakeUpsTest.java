package io.taskhive.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/** When the dispatch rounds start: at a wake-up, after the planned wait, never closer than the gap. */
class RoundWakeUpsTest {

    private static final Duration GAP = Duration.ofMillis(10);
    private static final Duration LONG_AGO = Duration.ofSeconds(1);

    @Test
    void aStreamOfWakeUpsStartsRoundsNoCloserThanTheGap() throws Exception {
        RoundWakeUps wakeUps = new RoundWakeUps(GAP);
        AtomicBoolean submitting = new AtomicBoolean(true);
        // a held submission every 0.1 ms, far more often than the gap
        Thread submissions = Thread.ofPlatform().start(() -> {
            while (submitting.get()) {
                wakeUps.wake();
                LockSupport.parkNanos(100_000);
            }
        });
        List<Long> starts = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofMillis(400).toNanos();
        try {
            while (System.nanoTime() < end) {
                long started = System.nanoTime();
                starts.add(started);
                wakeUps.awaitNextRound(started, Duration.ofSeconds(30));
            }
        } finally {
            submitting.set(false);
            submissions.join();
        }
        assertThat(starts).as("rounds woken in 400 ms (a planned wait of 30 s would allow one)").hasSizeGreaterThan(5);
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1))).as("from round %d to %d", i - 1, i)
                    .isGreaterThanOrEqualTo(GAP);
        }
    }

    @Test
    void aWakeUpAfterAQuietSpellStartsTheRoundAtOnce() throws Exception {
        RoundWakeUps wakeUps = new RoundWakeUps(GAP);
        Thread submission = Thread.ofPlatform().start(() -> {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            wakeUps.wake();
        });
        long waitFrom = System.nanoTime();
        wakeUps.awaitNextRound(waitFrom - LONG_AGO.toNanos(), Duration.ofSeconds(30));
        submission.join();
        assertThat(Duration.ofNanos(System.nanoTime() - waitFrom)).as("the wait for a round a submission woke")
                .isGreaterThanOrEqualTo(Duration.ofMillis(50)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void withoutAWakeUpTheRoundWaitsItsPlannedTime() throws Exception {
        RoundWakeUps wakeUps = new RoundWakeUps(GAP);
        long waitFrom = System.nanoTime();
        wakeUps.awaitNextRound(waitFrom - LONG_AGO.toNanos(), Duration.ofMillis(150));
        assertThat(Duration.ofNanos(System.nanoTime() - waitFrom)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void wakeUpsBeforeARoundAreAnsweredByThatOneRound() throws Exception {
        RoundWakeUps wakeUps = new RoundWakeUps(GAP);
        for (int i = 0; i < 3; i++) {
            wakeUps.wake();
        }
        long waitFrom = System.nanoTime();
        wakeUps.awaitNextRound(waitFrom - LONG_AGO.toNanos(), Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - waitFrom)).as("woken: no wait").isLessThan(Duration.ofSeconds(10));

        waitFrom = System.nanoTime();
        wakeUps.awaitNextRound(waitFrom - LONG_AGO.toNanos(), Duration.ofMillis(150));
        assertThat(Duration.ofNanos(System.nanoTime() - waitFrom)).as("the next round: the planned wait, not a second wake-up")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void wakeUpsWhileARoundWaitsOutTheGapAreAnsweredByThatRound() throws Exception {
        RoundWakeUps wakeUps = new RoundWakeUps(Duration.ofSeconds(1));
        wakeUps.wake();
        Thread late = Thread.ofPlatform().start(() -> {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            wakeUps.wake();
        });
        long started = System.nanoTime();
        wakeUps.awaitNextRound(started, Duration.ofSeconds(30)); // woken, then waits out the gap
        late.join();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

        long waitFrom = System.nanoTime();
        wakeUps.awaitNextRound(waitFrom - LONG_AGO.toNanos(), Duration.ofMillis(150));
        assertThat(Duration.ofNanos(System.nanoTime() - waitFrom)).as("the next round: the planned wait")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }
}
