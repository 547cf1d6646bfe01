package io.taskhive.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

/** The ticker's arithmetic: which slots get a task, which are skipped, where the schedule goes on. */
class SlotPlanTest {

    private static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");
    private static final Duration LATE_AFTER = Duration.ofSeconds(5);
    private static final Cadence EVERY_SECOND = new Cadence.Every(Duration.ofSeconds(1), T0);

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void anIntervalCountsFromItsAnchorWhateverTheMomentItIsAskedAt() {
        Cadence every = new Cadence.Every(Duration.ofSeconds(10), T0);
        assertThat(every.next(T0.minusSeconds(100))).isEqualTo(T0);
        assertThat(every.next(T0)).isEqualTo(at(10));
        assertThat(every.next(at(9).plusMillis(999))).isEqualTo(at(10));
        assertThat(every.next(at(10))).isEqualTo(at(20));
    }

    @Test
    void aCronIsReadInItsTimeZoneAcrossADaylightSavingChange() {
        Cadence nineInMadrid = new Cadence.Cron(CronExpression.parse("0 0 9 * * *"), ZoneId.of("Europe/Madrid"));
        // 25 October 2026: Madrid goes from UTC+2 to UTC+1.
        assertThat(nineInMadrid.next(Instant.parse("2026-10-23T12:00:00Z"))).isEqualTo("2026-10-24T07:00:00Z");
        assertThat(nineInMadrid.next(Instant.parse("2026-10-24T12:00:00Z"))).isEqualTo("2026-10-25T08:00:00Z");
        assertThat(nineInMadrid.next(Instant.parse("2026-10-25T12:00:00Z"))).isEqualTo("2026-10-26T08:00:00Z");
        Cadence never = new Cadence.Cron(CronExpression.parse("0 0 0 30 2 *"), ZoneId.of("UTC"));
        assertThat(never.next(T0)).isNull();
    }

    @Test
    void onTimeSlotsRunWhateverThePolicyAndTheScheduleGoesOnAfterNow() {
        for (MissedRunPolicy policy : MissedRunPolicy.values()) {
            SlotPlan plan = SlotPlan.at(EVERY_SECOND, at(10), at(10).plusMillis(300), policy, 3, LATE_AFTER);
            assertThat(plan.run()).as(policy.name()).containsExactly(at(10));
            assertThat(plan.skipped()).isZero();
            assertThat(plan.nextRunAt()).isEqualTo(at(11));

            // a slow tick (a pause of 3 s, under lateAfter): every slot still runs
            plan = SlotPlan.at(EVERY_SECOND, at(10), at(13), policy, 3, LATE_AFTER);
            assertThat(plan.run()).as(policy.name()).containsExactly(at(10), at(11), at(12), at(13));
            assertThat(plan.nextRunAt()).isEqualTo(at(14));
        }
    }

    @Test
    void nothingIsDueBeforeTheNextSlot() {
        SlotPlan plan = SlotPlan.at(EVERY_SECOND, at(10), at(9), MissedRunPolicy.RUN_ALL, 3, LATE_AFTER);
        assertThat(plan.run()).isEmpty();
        assertThat(plan.skipped()).isZero();
        assertThat(plan.nextRunAt()).isEqualTo(at(10));
    }

    /** Down from slot 10 to 29.5 s: slots 10..24 are missed (older than 5 s), 25..29 are on time. */
    @Test
    void skipDropsTheMissedSlotsAndKeepsThoseOnTime() {
        SlotPlan plan = SlotPlan.at(EVERY_SECOND, at(10), at(29).plusMillis(500), MissedRunPolicy.SKIP, 3,
                LATE_AFTER);
        assertThat(plan.run()).containsExactly(at(25), at(26), at(27), at(28), at(29));
        assertThat(plan.skipped()).isEqualTo(15);
        assertThat(plan.nextRunAt()).isEqualTo(at(30));
    }

    @Test
    void runOnceGivesAllTheMissedSlotsOneTaskForTheLatest() {
        SlotPlan plan = SlotPlan.at(EVERY_SECOND, at(10), at(29).plusMillis(500), MissedRunPolicy.RUN_ONCE, 3,
                LATE_AFTER);
        assertThat(plan.run()).containsExactly(at(24), at(25), at(26), at(27), at(28), at(29));
        assertThat(plan.skipped()).isEqualTo(14);
    }

    @Test
    void runAllRunsTheLatestMissedSlotsUpToItsBound() {
        SlotPlan plan = SlotPlan.at(EVERY_SECOND, at(10), at(29).plusMillis(500), MissedRunPolicy.RUN_ALL, 3,
                LATE_AFTER);
        assertThat(plan.run()).containsExactly(at(22), at(23), at(24), at(25), at(26), at(27), at(28), at(29));
        assertThat(plan.skipped()).isEqualTo(12);

        plan = SlotPlan.at(EVERY_SECOND, at(10), at(29).plusMillis(500), MissedRunPolicy.RUN_ALL, 100, LATE_AFTER);
        assertThat(plan.run()).hasSize(20).startsWith(at(10)).endsWith(at(29));
        assertThat(plan.skipped()).isZero();
    }

    @Test
    void aDailyCronMissedOvernightFollowsThePolicy() {
        Cadence daily = new Cadence.Cron(CronExpression.parse("@daily"), ZoneId.of("UTC"));
        Instant threeDaysLater = T0.plus(Duration.ofDays(3)).plusSeconds(3600);
        assertThat(SlotPlan.at(daily, T0, threeDaysLater, MissedRunPolicy.SKIP, 10, LATE_AFTER).run()).isEmpty();
        assertThat(SlotPlan.at(daily, T0, threeDaysLater, MissedRunPolicy.RUN_ONCE, 10, LATE_AFTER).run())
                .containsExactly(T0.plus(Duration.ofDays(3)));
        SlotPlan all = SlotPlan.at(daily, T0, threeDaysLater, MissedRunPolicy.RUN_ALL, 10, LATE_AFTER);
        assertThat(all.run()).isEqualTo(List.of(T0, T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)),
                T0.plus(Duration.ofDays(3))));
        assertThat(all.nextRunAt()).isEqualTo(T0.plus(Duration.ofDays(4)));
    }

    @Test
    void aVeryLongOutageIsWalkedInBoundedStepsAndEndsOnTime() {
        // a one-second schedule down for 30 days: 2.6 million missed slots; past the first million
        // the walk jumps to the on-time stretch (the 5 slots of the last 4.8 s), keeping 2 missed ones
        Instant now = T0.plus(Duration.ofDays(30)).plusMillis(200);
        SlotPlan plan = SlotPlan.at(EVERY_SECOND, T0, now, MissedRunPolicy.RUN_ALL, 2, LATE_AFTER);
        assertThat(plan.run()).hasSize(2 + 5).endsWith(now.minusMillis(200));
        assertThat(plan.nextRunAt()).isEqualTo(now.minusMillis(200).plusSeconds(1));
    }
}
