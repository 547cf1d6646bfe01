package io.taskhive.artifact;

import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The artifact store the settings ask for: S3 when an endpoint is set, otherwise none. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ArtifactProperties.class)
public class ArtifactConfiguration {

    @Bean
    ArtifactStore artifactStore(ArtifactProperties properties) {
        if (!properties.configured()) {
            LoggerFactory.getLogger(ArtifactConfiguration.class)
                    .info("no artifact storage configured: results above {} are refused", properties.threshold());
            return new NoArtifactStore();
        }
        S3ArtifactStore store = new S3ArtifactStore(properties);
        // Off the start's path: a storage that is slow or down must not hold the service up (the first
        // upload creates a missing bucket anyway).
        Thread.ofVirtual().name("artifact-bucket").start(store::prepare);
        return store;
    }
}
