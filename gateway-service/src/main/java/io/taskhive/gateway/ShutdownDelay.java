package io.taskhive.gateway;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the gateway serving for {@code taskhive.gateway.shutdown-delay} once shutdown began.
 *
 * <p>Spring Boot turns readiness to 503 (REFUSING_TRAFFIC) when the context starts closing, before
 * any lifecycle bean stops. A load balancer that polls readiness needs a few checks to notice; if
 * the web server stopped at once, requests it sent in the meantime (on a kept-alive connection
 * above all) would be cut off without an answer, which a client cannot safely repeat for a POST.
 * So this bean, stopped first (the highest phase), waits that long, and only then do the TCP
 * listener and the web server stop.
 */
@Component
public class ShutdownDelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ShutdownDelay.class);

    private final Duration delay;
    private volatile boolean running;

    public ShutdownDelay(GatewayProperties properties) {
        this.delay = properties.shutdownDelay();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        log.info("readiness is down; serving {} more before the listeners stop", delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the TCP listener (Integer.MAX_VALUE - 1) and the web server. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
