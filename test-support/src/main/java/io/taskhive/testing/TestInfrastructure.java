package io.taskhive.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.ConnectionFactory;

/**
 * Where integration tests find PostgreSQL and RabbitMQ, and a private corner of each for one test
 * run: a fresh database (dropped when the JVM exits) and a fresh messaging namespace (queue and
 * exchange prefix, deleted the same way), so that runs on a shared machine never see each other.
 *
 * <p>Addresses come from environment variables, defaulting to the local services:
 * {@code TASKHIVE_TEST_PG_HOST/PORT/USER/PASSWORD} and
 * {@code TASKHIVE_TEST_RABBITMQ_HOST/PORT/USER/PASSWORD/VHOST}.
 */
public final class TestInfrastructure {

    private static final TestInfrastructure INSTANCE = new TestInfrastructure();

    private final String pgHost = env("TASKHIVE_TEST_PG_HOST", "127.0.0.1");
    private final int pgPort = Integer.parseInt(env("TASKHIVE_TEST_PG_PORT", "5432"));
    private final String pgUser = env("TASKHIVE_TEST_PG_USER", "postgres");
    private final String pgPassword = env("TASKHIVE_TEST_PG_PASSWORD", "");
    private final String rabbitHost = env("TASKHIVE_TEST_RABBITMQ_HOST", "127.0.0.1");
    private final int rabbitPort = Integer.parseInt(env("TASKHIVE_TEST_RABBITMQ_PORT", "5672"));
    private final String rabbitUser = env("TASKHIVE_TEST_RABBITMQ_USER", "guest");
    private final String rabbitPassword = env("TASKHIVE_TEST_RABBITMQ_PASSWORD", "guest");
    private final String rabbitVhost = env("TASKHIVE_TEST_RABBITMQ_VHOST", "/");

    private TestInfrastructure() {
    }

    public static TestInfrastructure get() {
        return INSTANCE;
    }

    /** A new, empty database; dropped when the JVM exits. */
    public Database newDatabase() {
        String name = "taskhive_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on PostgreSQL at " + pgHost + ":" + pgPort
                    + " (set TASKHIVE_TEST_PG_HOST/PORT/USER/PASSWORD): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropDatabase(name)));
        return new Database(name, pgHost, pgPort, pgUser, pgPassword);
    }

    private void dropDatabase(String name) {
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + pgHost + ":" + pgPort + "/postgres", pgUser,
                pgPassword);
    }

    /** A new messaging namespace; its queues and exchanges are deleted when the JVM exits. */
    public Broker newBroker() {
        String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        Broker broker = new Broker(rabbitHost, rabbitPort, rabbitUser, rabbitPassword, rabbitVhost, namespace);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::deleteTopology));
        return broker;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public record Database(String name, String host, int port, String user, String password) {

        public String url() {
            return urlVia(host, port);
        }

        /** The JDBC URL of this database reached at another address (a {@link TcpProxy}). */
        public String urlVia(String viaHost, int viaPort) {
            return "jdbc:postgresql://" + viaHost + ":" + viaPort + "/" + name;
        }

        public Map<String, Object> springProperties() {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("spring.datasource.url", url());
            properties.put("spring.datasource.username", user);
            properties.put("spring.datasource.password", password);
            return properties;
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), user, password);
        }
    }

    public record Broker(String host, int port, String user, String password, String vhost, String namespace) {

        public Map<String, Object> springProperties() {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("spring.rabbitmq.host", host);
            properties.put("spring.rabbitmq.port", port);
            properties.put("spring.rabbitmq.username", user);
            properties.put("spring.rabbitmq.password", password);
            properties.put("spring.rabbitmq.virtual-host", vhost);
            properties.put("taskhive.messaging.namespace", namespace);
            return properties;
        }

        public ConnectionFactory connectionFactory() {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(host);
            factory.setPort(port);
            factory.setUsername(user);
            factory.setPassword(password);
            factory.setVirtualHost(vhost);
            return factory;
        }

        /** Deletes the queues and exchanges the taskhive topology declares in this namespace. */
        public void deleteTopology() {
            try (com.rabbitmq.client.Connection connection = connectionFactory().newConnection()) {
                for (String queue : new String[] {namespace + ".tasks", namespace + ".tasks.dead"}) {
                    try (var channel = connection.createChannel()) {
                        channel.queueDelete(queue);
                    }
                }
                for (String exchange : new String[] {namespace + ".tasks", namespace + ".events"}) {
                    try (var channel = connection.createChannel()) {
                        channel.exchangeDelete(exchange);
                    }
                }
            } catch (Exception e) {
                System.err.println("could not delete test topology " + namespace + ": " + e.getMessage());
            }
        }
    }
}
