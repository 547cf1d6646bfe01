package io.taskhive.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.testing.ConfigurationBinding;

/**
 * The delay between readiness turning 503 and the listeners stopping (what keeps HAProxy from
 * sending requests to a gateway that stopped; deploy/compose-test.sh's rolling restart shows the
 * effect end to end).
 */
class ShutdownDelayTest {

    private static ShutdownDelay delay(Map<String, String> settings) {
        return new ShutdownDelay(ConfigurationBinding.bind("taskhive.gateway", GatewayProperties.class, settings));
    }

    private static ShutdownDelay delay(Duration shutdownDelay) {
        return delay(Map.of("shutdown-delay", shutdownDelay.toMillis() + "ms"));
    }

    @Test
    void stopWaitsTheConfiguredDelay() {
        ShutdownDelay delay = delay(Duration.ofMillis(300));
        delay.start();
        assertThat(delay.isRunning()).isTrue();
        long started = System.nanoTime();
        delay.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(delay.isRunning()).isFalse();
    }

    @Test
    void noDelayByDefault() {
        ShutdownDelay delay = delay(Map.of());
        delay.start();
        long started = System.nanoTime();
        delay.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));
    }

    @Test
    void stopsBeforeEveryOtherLifecycleBean() {
        // Spring stops the highest phase first: the TCP listener and the web server must still run
        // while this waits.
        assertThat(delay(Duration.ofSeconds(1)).getPhase()).isEqualTo(Integer.MAX_VALUE);
    }
}
