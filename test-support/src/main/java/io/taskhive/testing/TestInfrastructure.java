package io.taskhive.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

import com.rabbitmq.client.ConnectionFactory;

import io.taskhive.embedded.EmbeddedAmqpBroker;
import io.taskhive.embedded.EmbeddedPostgresServer;

/**
 * Where integration tests find PostgreSQL and an AMQP broker, and a private corner of each for one
 * test run: a fresh database and a fresh messaging namespace (queue and exchange prefix), both
 * removed when this closes, so that runs on a shared machine never see each other.
 *
 * <p>Tests get it through {@link TestInfrastructureExtension}, which starts one per test run (one
 * per JVM under Maven) and closes it when the run ends; other programs (the benchmarks) {@link #start}
 * and close their own.
 *
 * <p>Each service is looked for in this order, once per instance:
 * <ol>
 * <li>the address in the environment: {@code TASKHIVE_TEST_PG_HOST/PORT/USER/PASSWORD},
 * {@code TASKHIVE_TEST_RABBITMQ_HOST/PORT/USER/PASSWORD/VHOST} (an unreachable one is an error);</li>
 * <li>the local default port (PostgreSQL 5432 as {@code postgres}, RabbitMQ 5672 as
 * {@code guest}) if something answers there, unless {@code TASKHIVE_TEST_LOCAL_SERVICES=false};</li>
 * <li>a container (Testcontainers) if Docker is available;</li>
 * <li>otherwise in this JVM: an embedded PostgreSQL and an embedded Qpid broker.</li>
 * </ol>
 * Which broker answered is known ({@link Broker#isRabbitMq()}): the topology is declared for it, and
 * tests of RabbitMQ-only behaviour skip themselves elsewhere.
 */
public final class TestInfrastructure implements AutoCloseable {

    private static final int LOCAL_PROBE_MILLIS = 500;

    /** Closed with this, last registered first: services before the servers they use. */
    private final Deque<AutoCloseable> atClose = new ArrayDeque<>();
    private final Postgres postgres;
    private final BrokerServer broker;

    private TestInfrastructure() {
        try {
            postgres = findPostgres();
            broker = findBroker();
        } catch (RuntimeException | Error e) {
            close(); // whatever was started before the failure (a container, an embedded server)
            throw e;
        }
        System.out.println("taskhive tests: PostgreSQL " + postgres.describe() + "; AMQP broker " + broker.describe());
    }

    /** Finds (or starts) both services; the caller closes the result, which removes all it made. */
    public static TestInfrastructure start() {
        return new TestInfrastructure();
    }

    /** Closes {@code resource} when this closes, before anything registered earlier. */
    public synchronized void closeAtEnd(AutoCloseable resource) {
        atClose.push(resource);
    }

    /** Closes everything registered, last first; a failure is reported and the rest still closed. */
    @Override
    public synchronized void close() {
        while (!atClose.isEmpty()) {
            AutoCloseable resource = atClose.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("test infrastructure: closing " + resource + " failed: " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------ PostgreSQL ----

    private record Postgres(String host, int port, String user, String password, String source) {

        String describe() {
            return "from " + source + " at " + host + ":" + port;
        }
    }

    private Postgres findPostgres() {
        String host = System.getenv("TASKHIVE_TEST_PG_HOST");
        String port = System.getenv("TASKHIVE_TEST_PG_PORT");
        String user = env("TASKHIVE_TEST_PG_USER", "postgres");
        String password = env("TASKHIVE_TEST_PG_PASSWORD", "");
        if (!blank(host) || !blank(port)) {
            return new Postgres(env("TASKHIVE_TEST_PG_HOST", "127.0.0.1"), Integer.parseInt(env("TASKHIVE_TEST_PG_PORT",
                    "5432")), user, password, "TASKHIVE_TEST_PG_*");
        }
        if (localServicesAllowed() && answers("127.0.0.1", 5432)) {
            return new Postgres("127.0.0.1", 5432, user, password, "the local default port");
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            closeAtEnd(container::stop);
            return new Postgres(container.getHost(), container.getMappedPort(5432), container.getUsername(),
                    container.getPassword(), "a Testcontainers container");
        }
        Path data = temporaryDirectory("taskhive-test-pg");
        EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, false);
        closeAtEnd(() -> deleteTree(data));
        closeAtEnd(server);
        return new Postgres(server.host(), server.port(), server.user(), server.password(), "embedded in this JVM");
    }

    /** A new, empty database; dropped when this closes. */
    public Database newDatabase() {
        String name = "taskhive_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on PostgreSQL " + postgres.describe()
                    + " (set TASKHIVE_TEST_PG_HOST/PORT/USER/PASSWORD): " + e.getMessage(), e);
        }
        closeAtEnd(() -> dropDatabase(name));
        return new Database(name, postgres.host(), postgres.port(), postgres.user(), postgres.password());
    }

    private void dropDatabase(String name) throws SQLException {
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }

    private Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/postgres",
                postgres.user(), postgres.password());
    }

    // ---------------------------------------------------------------------------------- broker ----

    /** What kind of AMQP 0-9-1 broker answered: the topology and some tests depend on it. */
    public enum BrokerKind {
        RABBITMQ, QPID, OTHER;

        static BrokerKind of(Object product) {
            String name = String.valueOf(product).toLowerCase(Locale.ROOT);
            return name.contains("rabbitmq") ? RABBITMQ : name.contains(EmbeddedAmqpBroker.PRODUCT) ? QPID : OTHER;
        }
    }

    private record BrokerServer(String host, int port, String user, String password, String vhost, BrokerKind kind,
            String source) {

        String describe() {
            return kind + " from " + source + " at " + host + ":" + port;
        }
    }

    private BrokerServer findBroker() {
        String host = System.getenv("TASKHIVE_TEST_RABBITMQ_HOST");
        String port = System.getenv("TASKHIVE_TEST_RABBITMQ_PORT");
        String user = env("TASKHIVE_TEST_RABBITMQ_USER", "guest");
        String password = env("TASKHIVE_TEST_RABBITMQ_PASSWORD", "guest");
        String vhost = env("TASKHIVE_TEST_RABBITMQ_VHOST", "/");
        if (!blank(host) || !blank(port)) {
            return identified(env("TASKHIVE_TEST_RABBITMQ_HOST", "127.0.0.1"),
                    Integer.parseInt(env("TASKHIVE_TEST_RABBITMQ_PORT", "5672")), user, password, vhost,
                    "TASKHIVE_TEST_RABBITMQ_*");
        }
        if (localServicesAllowed() && answers("127.0.0.1", 5672)) {
            return identified("127.0.0.1", 5672, user, password, vhost, "the local default port");
        }
        if (dockerAvailable()) {
            RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4-alpine");
            container.start();
            closeAtEnd(container::stop);
            return identified(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
                    container.getAdminPassword(), "/", "a Testcontainers container");
        }
        Path work = temporaryDirectory("taskhive-test-broker");
        EmbeddedAmqpBroker embedded = EmbeddedAmqpBroker.start(work, 0, "guest", "guest");
        closeAtEnd(() -> deleteTree(work));
        closeAtEnd(embedded);
        return new BrokerServer(embedded.host(), embedded.port(), embedded.user(), embedded.password(),
                embedded.virtualHost(), BrokerKind.QPID, "embedded in this JVM");
    }

    /** Connects once to learn which broker this is (its {@code product} server property). */
    private static BrokerServer identified(String host, int port, String user, String password, String vhost,
            String source) {
        ConnectionFactory factory = connectionFactory(host, port, user, password, vhost);
        try (com.rabbitmq.client.Connection connection = factory.newConnection()) {
            BrokerKind kind = BrokerKind.of(connection.getServerProperties().get("product"));
            return new BrokerServer(host, port, user, password, vhost, kind, source);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the AMQP broker at " + host + ":" + port + " (from "
                    + source + "; set TASKHIVE_TEST_RABBITMQ_HOST/PORT/USER/PASSWORD/VHOST): " + e.getMessage(), e);
        }
    }

    /** A new messaging namespace; its queues and exchanges are deleted when this closes. */
    public Broker newBroker() {
        String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        Broker fresh = new Broker(broker.host(), broker.port(), broker.user(), broker.password(), broker.vhost(),
                namespace, broker.kind());
        closeAtEnd(fresh::deleteTopology);
        return fresh;
    }

    // --------------------------------------------------------------------------------- helpers ----

    private static boolean localServicesAllowed() {
        return !"false".equalsIgnoreCase(System.getenv("TASKHIVE_TEST_LOCAL_SERVICES"));
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), LOCAL_PROBE_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Boolean docker;

    private static synchronized boolean dockerAvailable() {
        if (docker == null) {
            docker = quietly(() -> DockerClientFactory.instance().isDockerAvailable());
        }
        return docker;
    }

    private static boolean quietly(Supplier<Boolean> check) {
        try {
            return check.get();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Path temporaryDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static ConnectionFactory connectionFactory(String host, int port, String user, String password,
            String vhost) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        factory.setConnectionTimeout(5_000);
        return factory;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return blank(value) ? fallback : value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    // --------------------------------------------------------------------------- what tests get ----

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

    public record Broker(String host, int port, String user, String password, String vhost, String namespace,
            BrokerKind kind) {

        public boolean isRabbitMq() {
            return kind == BrokerKind.RABBITMQ;
        }

        /** Quorum queues where RabbitMQ runs; plain classic queues without arguments elsewhere. */
        public String queueType() {
            return isRabbitMq() ? "quorum" : "classic";
        }

        public Map<String, Object> springProperties() {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("spring.rabbitmq.host", host);
            properties.put("spring.rabbitmq.port", port);
            properties.put("spring.rabbitmq.username", user);
            properties.put("spring.rabbitmq.password", password);
            properties.put("spring.rabbitmq.virtual-host", vhost);
            properties.put("taskhive.messaging.namespace", namespace);
            properties.put("taskhive.messaging.queue-type", queueType());
            return properties;
        }

        public ConnectionFactory connectionFactory() {
            return TestInfrastructure.connectionFactory(host, port, user, password, vhost);
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
