package io.taskhive.domain;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
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

    /**
     * The application, with the handler installed as soon as its context is prepared: before the
     * refresh starts the listeners (a worker takes tasks before {@code run} returns, and a SIGTERM
     * then must already drain them). A SIGTERM during the refresh closes the context once it is up.
     */
    public static SpringApplicationBuilder installOn(SpringApplicationBuilder application) {
        return application.listeners(new ApplicationListener<ApplicationPreparedEvent>() {
            @Override
            public void onApplicationEvent(ApplicationPreparedEvent event) {
                install(event.getApplicationContext());
            }
        });
    }

    public static void install(ConfigurableApplicationContext context) {
        try {
            Signal.handle(new Signal("TERM"), signal -> System.exit(SpringApplication.exit(context)));
        } catch (IllegalArgumentException e) {
            // no SIGTERM on this platform: the JVM's default handling stays
        }
    }
}
