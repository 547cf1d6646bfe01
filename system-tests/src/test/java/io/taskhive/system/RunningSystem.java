package io.taskhive.system;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.adobe.testing.s3mock.junit5.S3MockExtension;

import io.taskhive.gateway.GatewayApplication;
import io.taskhive.testing.TcpProxy;
import io.taskhive.testing.TestInfrastructure;
import io.taskhive.testing.TestInfrastructureExtension;
import io.taskhive.worker.WorkerApplication;

/**
 * A gateway and a worker, each its own Spring context wired as in production (over RabbitMQ and
 * PostgreSQL, nothing short-circuited), started once for all the system tests of a run. The
 * gateway reaches RabbitMQ through a {@link TcpProxy} so tests can cut it off from the broker.
 */
final class RunningSystem {

    static final String ADMIN_USERNAME = "root-admin";
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    static final String JWT_SECRET = "test-secret-" + UUID.randomUUID() + UUID.randomUUID();
    static final int RATE_LIMIT_BURST = 300;
    /** Tasks published and not started before new ones are held for the dispatch rounds. */
    static final int DISPATCH_AHEAD = 300;
    /** Short retry delays, so tests see several attempts in seconds. */
    static final Map<String, Object> FAST_RETRIES = Map.of(
            "taskhive.retry.initial-delay", "200ms", "taskhive.retry.max-delay", "2s");
    /** Short heartbeats and grace periods, so tests see orphans returned in seconds. */
    static final Map<String, Object> FAST_FLEET = Map.of(
            "taskhive.worker.heartbeat-interval", "1s", "taskhive.worker.orphan-grace", "4s",
            "taskhive.worker.database-retry-interval", "500ms", "spring.rabbitmq.requested-heartbeat", "3s");

    /** Results above this go to the artifact store: small, so a report of a few hundred words does. */
    static final String ARTIFACT_THRESHOLD = "2KB";
    /** Objects no task refers to are orphans once this old (the sweep is run by the tests that want it). */
    static final String ARTIFACT_ORPHAN_AGE = "2s";

    private static RunningSystem instance;

    final TestInfrastructure.Database database;
    final TestInfrastructure.Broker broker;
    final TcpProxy gatewayBrokerLink;
    final TcpProxy gatewayDatabaseLink;
    /** S3Mock, in process: the artifact storage of both services, reached through {@link #artifactLink}. */
    final S3MockExtension artifactStorage;
    /** Between both services and the artifact storage, so tests can take the storage away. */
    final TcpProxy artifactLink;
    final String artifactBucket;
    final ConfigurableApplicationContext worker;
    final ConfigurableApplicationContext gateway;
    final String baseUrl;
    /** The gateway's actuator (health, metrics): a port of its own, as in production. */
    final String managementUrl;
    final int tcpPort;
    final Map<String, Object> gatewaySettings;

    private RunningSystem(TestInfrastructureExtension infrastructure) {
        database = infrastructure.newDatabase();
        broker = infrastructure.newBroker();
        gatewayBrokerLink = new TcpProxy(broker.host(), broker.port());
        gatewayDatabaseLink = new TcpProxy(database.host(), database.port());
        // In this JVM S3Mock sees the gateway's classpath: without these exclusions Spring Security would
        // guard it too and answer every request 401.
        int artifactPort = freePort();
        artifactLink = new TcpProxy("127.0.0.1", artifactPort);
        artifactBucket = "taskhive-it-" + UUID.randomUUID();
        // Not silent(): that sets the root log level for the whole JVM, which the tests that read the
        // services' log lines would miss.
        artifactStorage = S3MockExtension.builder().withSecureConnection(false).withHttpPort(artifactPort)
                .withProperty("spring.autoconfigure.exclude", String.join(",",
                        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.actuate.web.servlet."
                                + "ManagementWebSecurityAutoConfiguration",
                        "org.springframework.boot.security.oauth2.server.resource.autoconfigure."
                                + "OAuth2ResourceServerAutoConfiguration",
                        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web."
                                + "OAuth2ResourceServerWebSecurityAutoConfiguration"))
                .build();

        Map<String, Object> shared = new HashMap<>(database.springProperties());
        shared.put("server.port", 0);
        shared.put("taskhive.tasks.named-duration", "100ms");
        shared.putAll(FAST_RETRIES);
        shared.putAll(artifactSettings(artifactLink.port()));

        Map<String, Object> workerProperties = new HashMap<>(shared);
        workerProperties.putAll(broker.springProperties());
        workerProperties.put("taskhive.worker.id", "it-worker");
        workerProperties.putAll(FAST_FLEET);

        Map<String, Object> gatewayProperties = new HashMap<>(shared);
        gatewayProperties.putAll(broker.springProperties());
        gatewayProperties.put("spring.datasource.url", database.urlVia("127.0.0.1", gatewayDatabaseLink.port()));
        gatewayProperties.put("spring.datasource.hikari.connection-timeout", 2000);
        gatewayProperties.put("spring.rabbitmq.host", "127.0.0.1");
        gatewayProperties.put("spring.rabbitmq.port", gatewayBrokerLink.port());
        gatewayProperties.put("taskhive.security.jwt-secret", JWT_SECRET);
        gatewayProperties.put("taskhive.security.admin-username", ADMIN_USERNAME);
        gatewayProperties.put("taskhive.security.admin-password", ADMIN_PASSWORD);
        gatewayProperties.put("taskhive.gateway.rate-limit.tasks-per-second", 10);
        gatewayProperties.put("taskhive.gateway.rate-limit.burst", RATE_LIMIT_BURST);
        gatewayProperties.put("taskhive.gateway.outbox.confirm-grace", "1s");
        gatewayProperties.put("taskhive.gateway.outbox.retry-after", "1s");
        gatewayProperties.put("taskhive.gateway.outbox.relay-interval", "200ms");
        // A short dispatch window: the rounds, and the order they publish in, take part in most tests.
        gatewayProperties.put("taskhive.gateway.dispatch.ahead", DISPATCH_AHEAD);
        gatewayProperties.put("taskhive.tcp.port", 0);
        gatewayProperties.put("management.server.port", 0);
        gatewayProperties.put("taskhive.tcp.idle-timeout", "3s");
        // RetentionTest purges through a gateway of its own, at the moments it chooses.
        gatewayProperties.put("taskhive.retention.enabled", false);
        // TableMaintenanceTest tends the tables through a gateway of its own, at the moments it chooses.
        gatewayProperties.put("taskhive.maintenance.enabled", false);

        // Started side by side: both run the Flyway migrations at once, as replicas may in production.
        CompletableFuture<ConfigurableApplicationContext> workerStart = CompletableFuture
                .supplyAsync(() -> WorkerApplication.builder().registerShutdownHook(false)
                        .run(arguments(workerProperties)));
        CompletableFuture<ConfigurableApplicationContext> gatewayStart = CompletableFuture
                .supplyAsync(() -> GatewayApplication.builder().registerShutdownHook(false)
                        .run(arguments(gatewayProperties)));
        worker = workerStart.join();
        gateway = gatewayStart.join();
        // After the services, which set up this JVM's logging first, as they do alone; until now their
        // storage was unreachable, and the first upload creates the bucket.
        artifactStorage.start();
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        baseUrl = "http://127.0.0.1:" + port;
        managementUrl = managementUrl(gateway);
        tcpPort = gateway.getBean(io.taskhive.gateway.tcp.TcpServer.class).port();
        gatewaySettings = Map.copyOf(gatewayProperties);
        // At the end of the run, before the test infrastructure (possibly embedded in this JVM) goes away.
        infrastructure.closeAtEnd(() -> {
            gateway.close();
            worker.close();
            gatewayBrokerLink.close();
            gatewayDatabaseLink.close();
            artifactLink.close();
            artifactStorage.stop();
        });
    }

    /**
     * Another gateway replica on the same database and broker, with these settings changed (its
     * HTTP and TCP ports are free ones); the caller closes it.
     */
    ConfigurableApplicationContext startGateway(Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(gatewaySettings);
        settings.put("server.port", 0);
        settings.put("taskhive.tcp.port", 0);
        settings.put("management.server.port", 0);
        settings.putAll(overrides);
        return GatewayApplication.builder().registerShutdownHook(false).run(arguments(settings));
    }

    static String managementUrl(ConfigurableApplicationContext gateway) {
        return "http://127.0.0.1:" + gateway.getEnvironment().getRequiredProperty("local.management.port");
    }

    /** The artifact storage settings of a service that reaches the storage on {@code port}. */
    Map<String, Object> artifactSettings(int port) {
        return Map.of("taskhive.artifacts.endpoint", "http://127.0.0.1:" + port,
                "taskhive.artifacts.bucket", artifactBucket,
                "taskhive.artifacts.access-key", "it-key",
                "taskhive.artifacts.secret-key", "it-secret",
                "taskhive.artifacts.threshold", ARTIFACT_THRESHOLD,
                "taskhive.artifacts.request-timeout", "5s",
                "taskhive.artifacts.orphan-age", ARTIFACT_ORPHAN_AGE);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As command-line arguments, which override the applications' own defaults. */
    static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    /** The system of this test run, started by the first class that asks for it. */
    static synchronized RunningSystem get(TestInfrastructureExtension infrastructure) {
        if (instance == null) {
            instance = new RunningSystem(infrastructure);
        }
        return instance;
    }
}
