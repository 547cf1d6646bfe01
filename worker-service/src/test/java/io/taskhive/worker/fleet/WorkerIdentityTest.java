package io.taskhive.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.testing.ConfigurationBinding;
import io.taskhive.worker.WorkerProperties;

/** A replica's id: the configured one, or the host name with a random suffix so replicas on one host differ. */
class WorkerIdentityTest {

    private static WorkerIdentity identity(Map<String, String> settings) {
        return new WorkerIdentity(ConfigurationBinding.bind("taskhive.worker", WorkerProperties.class, settings));
    }

    @Test
    void aConfiguredIdIsUsedAsItIs() {
        assertThat(identity(Map.of("id", "worker-7")).id()).isEqualTo("worker-7");
    }

    @Test
    void withoutAnIdEachReplicaGetsTheHostNameAndASuffixOfItsOwn() {
        WorkerIdentity first = identity(Map.of());
        WorkerIdentity blank = identity(Map.of("id", "  "));
        assertThat(first.id()).matches(java.util.regex.Pattern.quote(first.host()) + "-[0-9a-f]{6}");
        assertThat(blank.id()).as("a blank id counts as none").matches(java.util.regex.Pattern.quote(blank.host())
                + "-[0-9a-f]{6}");
        assertThat(first.host()).isNotBlank();
        // two replicas of one Deployment on one node, or two JVMs on a laptop, must not share a heartbeat row
        assertThat(first.id()).isNotEqualTo(blank.id());
    }
}
