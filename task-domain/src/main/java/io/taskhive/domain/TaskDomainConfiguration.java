package io.taskhive.domain;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.taskhive.artifact.ArtifactConfiguration;

import io.taskhive.messaging.MessagingProperties;
import io.taskhive.task.RetryPolicy;
import io.taskhive.task.TaskTypesProperties;

/** Everything both services share; each application imports it. */
@Configuration(proxyBeanMethods = false)
@Import(ArtifactConfiguration.class)
@ComponentScan(basePackages = {"io.taskhive.task", "io.taskhive.messaging", "io.taskhive.fleet"})
@EnableConfigurationProperties({TaskTypesProperties.class, MessagingProperties.class, RetryPolicy.class,
        MetricsProperties.class})
public class TaskDomainConfiguration {
}
