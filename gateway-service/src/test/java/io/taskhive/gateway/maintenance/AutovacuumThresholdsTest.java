package io.taskhive.gateway.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** PostgreSQL's autovacuum rule, as the maintenance applies it to the tables autovacuum does not cover. */
class AutovacuumThresholdsTest {

    /** PostgreSQL's defaults (15-17). */
    private static final AutovacuumThresholds DEFAULTS = new AutovacuumThresholds(50, 0.2, 1000, 0.2, 50, 0.1);

    private static TableActivity table(double rows, long dead, long inserted, long changed) {
        return new TableActivity("tasks", rows, dead, inserted, changed, false);
    }

    @Test
    void deadRowVersionsPastTheThresholdAndAFifthOfTheTableCallForAVacuum() {
        // 50 + 0.2 x 10,000 = 2,050
        assertThat(DEFAULTS.choose(table(10_000, 2_050, 0, 0))).isEqualTo(Chore.NONE);
        assertThat(DEFAULTS.choose(table(10_000, 2_051, 0, 0))).isEqualTo(Chore.VACUUM);
    }

    @Test
    void rowsInsertedSinceTheLastVacuumCallForOneTooUnlessThatTriggerIsOff() {
        // 1,000 + 0.2 x 10,000 = 3,000
        assertThat(DEFAULTS.choose(table(10_000, 0, 3_000, 0))).isEqualTo(Chore.NONE);
        assertThat(DEFAULTS.choose(table(10_000, 0, 3_001, 0))).isEqualTo(Chore.VACUUM);
        AutovacuumThresholds noInsertTrigger = new AutovacuumThresholds(50, 0.2, -1, 0.2, 50, 0.1);
        assertThat(noInsertTrigger.choose(table(10_000, 0, 1_000_000, 0))).isEqualTo(Chore.NONE);
    }

    @Test
    void changedRowsPastTheAnalyseThresholdCallForNewStatisticsOnly() {
        // 50 + 0.1 x 10,000 = 1,050
        assertThat(DEFAULTS.choose(table(10_000, 0, 0, 1_050))).isEqualTo(Chore.NONE);
        assertThat(DEFAULTS.choose(table(10_000, 0, 0, 1_051))).isEqualTo(Chore.ANALYZE);
        assertThat(DEFAULTS.choose(table(10_000, 2_051, 0, 1_051))).isEqualTo(Chore.VACUUM);
    }

    @Test
    void aTableNeverCountedIsTakenAsEmpty() {
        // reltuples is -1 until the first VACUUM or ANALYZE
        assertThat(DEFAULTS.choose(table(-1, 51, 0, 0))).isEqualTo(Chore.VACUUM);
        assertThat(DEFAULTS.choose(table(-1, 0, 0, 51))).isEqualTo(Chore.ANALYZE);
    }

    @Test
    void aTableAutovacuumLooksAfterIsLeftToIt() {
        TableActivity covered = new TableActivity("tasks", 10, 1_000_000, 1_000_000, 1_000_000, true);
        assertThat(DEFAULTS.choose(covered)).isEqualTo(Chore.NONE);
    }
}
