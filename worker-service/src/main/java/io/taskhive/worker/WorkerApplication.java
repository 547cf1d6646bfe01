package io.taskhive.worker;

import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.taskhive.domain.GracefulTermination;
import io.taskhive.domain.TaskDomainConfiguration;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(TaskDomainConfiguration.class)
public class WorkerApplication {

    public static void main(String[] args) {
        GracefulTermination.installOn(builder()).run(args);
    }

    /**
     * The worker's settings live in {@code worker.yml} rather than {@code application.yml}, so that a
     * gateway and a worker can share one classpath (tests, the standalone mode) without one's
     * defaults shadowing the other's.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WorkerApplication.class)
                .properties(Map.of("spring.config.name", "worker"));
    }
}
