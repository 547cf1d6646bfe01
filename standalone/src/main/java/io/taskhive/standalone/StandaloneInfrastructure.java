package io.taskhive.standalone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.taskhive.embedded.EmbeddedAmqpBroker;
import io.taskhive.embedded.EmbeddedPostgresServer;

/**
 * PostgreSQL and the AMQP broker of a standalone run: embedded ones with their data under the data
 * directory, unless the environment names existing servers ({@code TASKHIVE_DB_URL},
 * {@code TASKHIVE_RABBITMQ_HOST}), which the services then read themselves.
 */
final class StandaloneInfrastructure implements AutoCloseable {

    static final String DATABASE = "taskhive";
    static final String BROKER_USER = "taskhive";

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedAmqpBroker broker;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<String> description = new ArrayList<>();
    private final List<String> exports = new ArrayList<>();

    private StandaloneInfrastructure(EmbeddedPostgresServer postgres, EmbeddedAmqpBroker broker) {
        this.postgres = postgres;
        this.broker = broker;
    }

    static StandaloneInfrastructure start(Path dataDirectory, int databasePort, int brokerPort,
            StandaloneSecrets secrets, Map<String, String> environment) {
        EmbeddedPostgresServer postgres = null;
        EmbeddedAmqpBroker broker = null;
        try {
            if (blank(environment.get("TASKHIVE_DB_URL"))) {
                postgres = EmbeddedPostgresServer.start(dataDirectory.resolve("postgres"), databasePort, true);
                postgres.createDatabaseIfMissing(DATABASE);
            }
            if (blank(environment.get("TASKHIVE_RABBITMQ_HOST"))) {
                broker = EmbeddedAmqpBroker.start(dataDirectory.resolve("broker"), brokerPort, BROKER_USER,
                        secrets.password("broker"));
            }
        } catch (RuntimeException e) {
            if (postgres != null) {
                postgres.close();
            }
            throw e;
        }
        StandaloneInfrastructure infrastructure = new StandaloneInfrastructure(postgres, broker);
        infrastructure.describe(dataDirectory, environment);
        return infrastructure;
    }

    private void describe(Path dataDirectory, Map<String, String> environment) {
        if (postgres != null) {
            String url = postgres.jdbcUrl(DATABASE);
            settings.put("spring.datasource.url", url);
            settings.put("spring.datasource.username", postgres.user());
            settings.put("spring.datasource.password", postgres.password());
            description.add(line("PostgreSQL", url + "  (user " + postgres.user() + ", embedded, data in "
                    + dataDirectory.resolve("postgres") + ")"));
            exports.add("TASKHIVE_DB_URL=" + url);
            exports.add("TASKHIVE_DB_USER=" + postgres.user());
            exports.add("TASKHIVE_DB_PASSWORD=");
        } else {
            description.add(line("PostgreSQL", environment.get("TASKHIVE_DB_URL") + "  (from TASKHIVE_DB_URL)"));
        }
        if (broker != null) {
            settings.put("spring.rabbitmq.host", broker.host());
            settings.put("spring.rabbitmq.port", broker.port());
            settings.put("spring.rabbitmq.username", broker.user());
            settings.put("spring.rabbitmq.password", broker.password());
            settings.put("spring.rabbitmq.virtual-host", broker.virtualHost());
            // Qpid refuses RabbitMQ's queue arguments: plain classic queues (retries live in the database)
            settings.put("taskhive.messaging.queue-type", "classic");
            description.add(line("AMQP broker", "amqp://" + broker.user() + "@" + broker.host() + ":" + broker.port()
                    + "/  (embedded Qpid, data in " + broker.workDirectory() + ")"));
            exports.add("TASKHIVE_RABBITMQ_HOST=" + broker.host());
            exports.add("TASKHIVE_RABBITMQ_PORT=" + broker.port());
            exports.add("TASKHIVE_RABBITMQ_USER=" + broker.user());
            exports.add("TASKHIVE_RABBITMQ_PASSWORD=" + broker.password());
            exports.add("TASKHIVE_MESSAGING_QUEUE_TYPE=classic");
        } else {
            description.add(line("AMQP broker", environment.get("TASKHIVE_RABBITMQ_HOST") + ":"
                    + environment.getOrDefault("TASKHIVE_RABBITMQ_PORT", "5672") + "  (from TASKHIVE_RABBITMQ_HOST)"));
        }
    }

    static String line(String what, String where) {
        return String.format("  %-12s %s", what, where);
    }

    /** Settings the services need to reach the embedded servers (none for servers from the environment). */
    Map<String, Object> settings() {
        return settings;
    }

    /** One line per server: where it is. */
    List<String> description() {
        return description;
    }

    /** The environment variables that point the services (run elsewhere) at the embedded servers. */
    List<String> exports() {
        return exports;
    }

    /** The broker first: it may still write to nothing but its own store; PostgreSQL last. */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
