package io.taskhive.domain;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import sun.misc.Signal;

/**
 * SIGTERM is how orchestrators ask a process to stop. The JVM's default reports it as exit status
 * 143 even when the shutdown was clean; this closes the application (its graceful shutdown runs)
 * and exits 0, so a drained replica does not look like a failed one.
 */
public final class GracefulTermination {

    private GracefulTermination() {
    }

    public static void install(ConfigurableApplicationContext context) {
        try {
            Signal.handle(new Signal("TERM"), signal -> System.exit(SpringApplication.exit(context)));
        } catch (IllegalArgumentException e) {
            // no SIGTERM on this platform: the JVM's default handling stays
        }
    }
}
