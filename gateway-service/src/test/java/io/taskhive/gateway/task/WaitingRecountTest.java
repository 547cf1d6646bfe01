package io.taskhive.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WaitingRecountTest {

    private static final long INTERVAL = Duration.ofMillis(200).toNanos();
    private static final long LIMIT = 100_000;

    private final WaitingRecount recount = new WaitingRecount(Duration.ofMillis(200));

    @Test
    void aFewThousandWaitingAreCountedAgainOnceTheCountIsOlderThanTheInterval() {
        assertThat(recount.due(5_000, 0, 1, LIMIT, INTERVAL)).isFalse();
        assertThat(recount.due(5_000, 0, 1, LIMIT, INTERVAL + 1)).isTrue();
        assertThat(recount.due(0, 0, 1, LIMIT, INTERVAL + 1)).isTrue();
    }

    @Test
    void moreWaitingAreCountedProportionallyLessOften() {
        assertThat(recount.due(20_000, 0, 1, LIMIT, 2 * INTERVAL)).isFalse();
        assertThat(recount.due(20_000, 0, 1, LIMIT, 2 * INTERVAL + 1)).isTrue();
        assertThat(recount.due(76_400, 500, 1_000, LIMIT, 7 * INTERVAL)).isFalse();
        assertThat(recount.due(76_400, 500, 1_000, LIMIT, 7 * INTERVAL + 1)).isTrue();
        assertThat(recount.due(99_000, 0, 1, LIMIT, 9 * INTERVAL)).isFalse();
    }

    @Test
    void aSubmissionTheCountWouldRefuseIsDecidedByACountAtMostOneIntervalOld() {
        assertThat(recount.due(99_000, 900, 100, LIMIT, INTERVAL + 1)).as("up to the limit exactly").isFalse();
        assertThat(recount.due(99_000, 900, 101, LIMIT, INTERVAL)).as("counted within the interval").isFalse();
        assertThat(recount.due(99_000, 900, 101, LIMIT, INTERVAL + 1)).isTrue();
        assertThat(recount.due(99_000, 1_000, 1, LIMIT, INTERVAL + 1)).isTrue();
    }
}
