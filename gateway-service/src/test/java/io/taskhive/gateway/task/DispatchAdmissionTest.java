package io.taskhive.gateway.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.task.store.DispatchBacklog;

/** When a held submission wakes a dispatch round: only when a round could publish something. */
class DispatchAdmissionTest {

    private final DispatchAdmission admission = new DispatchAdmission(null, properties(Map.of(
            "taskhive.gateway.dispatch.ahead", "1000")));

    @Test
    void withoutARecentCountARoundIsWorthRunning() {
        assertThat(admission.roomForARound()).isTrue();
    }

    @Test
    void whileTheWorkersAreBehindARoundCouldPublishNothing() {
        admission.counted(new DispatchBacklog(true, 1_000));
        assertThat(admission.roomForARound()).isFalse();
        admission.counted(new DispatchBacklog(true, 5_000));
        assertThat(admission.roomForARound()).isFalse();
    }

    @Test
    void roomLeftByTheWorkersMakesARoundWorthRunning() {
        admission.counted(new DispatchBacklog(true, 1_000));
        admission.counted(new DispatchBacklog(true, 999));
        assertThat(admission.roomForARound()).isTrue();
    }

    private static GatewayProperties properties(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("taskhive.gateway", GatewayProperties.class);
    }
}
