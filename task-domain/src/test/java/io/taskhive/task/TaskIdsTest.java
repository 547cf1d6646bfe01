package io.taskhive.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void idsAreVersion7UuidsOrderedByTime() throws Exception {
        UUID first = TaskIds.next();
        Thread.sleep(2);
        UUID second = TaskIds.next();
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(first.getMostSignificantBits() >>> 16).isLessThan(second.getMostSignificantBits() >>> 16);
        long millis = first.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(System.currentTimeMillis() - 10_000, System.currentTimeMillis());
    }

    @Test
    void idsDoNotRepeat() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TaskIds.next());
        }
        assertThat(ids).hasSize(100_000);
    }
}
