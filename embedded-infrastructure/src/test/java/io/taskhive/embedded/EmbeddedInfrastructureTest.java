package io.taskhive.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

/** Both embedded servers keep their data across a restart, as the standalone mode promises. */
class EmbeddedInfrastructureTest {

    @TempDir
    Path data;

    @Test
    void postgresKeepsCommittedRowsAcrossARestart() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data.resolve("pg"), 0, true)) {
            postgres.createDatabaseIfMissing("kept");
            postgres.createDatabaseIfMissing("kept"); // idempotent
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("kept"), postgres.user(), "");
                    Statement statement = connection.createStatement()) {
                statement.execute("create table notes (text varchar(20))");
                statement.execute("insert into notes values ('hola')");
            }
        }
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data.resolve("pg"), 0, true);
                Connection connection = DriverManager.getConnection(postgres.jdbcUrl("kept"), postgres.user(), "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select text, current_setting('fsync') from notes")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("hola");
            assertThat(rows.getString(2)).isEqualTo("on");
        }
        assertThatThrownBy(() -> {
            try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data.resolve("pg2"), 0, false)) {
                postgres.createDatabaseIfMissing("drop table x; --");
            }
        }).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBrokerKeepsPersistentMessagesAcrossARestartAndSpeaksToRabbitMqClients() throws Exception {
        Path work = data.resolve("broker");
        try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(work, 0, "guest", "guest");
                com.rabbitmq.client.Connection connection = factory(broker).newConnection();
                Channel channel = connection.createChannel()) {
            assertThat(connection.getServerProperties().get("product").toString().toLowerCase())
                    .contains(EmbeddedAmqpBroker.PRODUCT);
            channel.exchangeDeclare("kept.ex", "direct", true);
            channel.queueDeclare("kept.q", true, false, false, null);
            channel.queueBind("kept.q", "kept.ex", "k");
            channel.confirmSelect();
            for (int i = 0; i < 20; i++) {
                channel.basicPublish("kept.ex", "k", MessageProperties.PERSISTENT_BASIC,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(10_000);

            // An unroutable mandatory message: Qpid nacks it, then returns it (RabbitMQ returns, then acks).
            List<String> signals = new CopyOnWriteArrayList<>();
            channel.addReturnListener(returned -> signals.add("return"));
            channel.addConfirmListener((tag, multiple) -> signals.add("ack"), (tag, multiple) -> signals.add("nack"));
            channel.basicPublish("kept.ex", "nowhere", true, new AMQP.BasicProperties(), new byte[0]);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (signals.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(signals).containsExactly("nack", "return");
        }
        try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(work, 0, "guest", "guest");
                com.rabbitmq.client.Connection connection = factory(broker).newConnection();
                Channel channel = connection.createChannel()) {
            List<String> bodies = new ArrayList<>();
            GetResponse message;
            while ((message = channel.basicGet("kept.q", true)) != null) {
                bodies.add(new String(message.getBody(), StandardCharsets.UTF_8));
            }
            assertThat(bodies).hasSize(20).startsWith("m0").endsWith("m19");
        }
    }

    @Test
    void aBusyPortIsReportedNotIgnored() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EmbeddedAmqpBroker.start(data.resolve("busy"), taken.getLocalPort(), "u", "p"))
                    .hasMessageContaining("did not start");
        }
    }

    private static ConnectionFactory factory(EmbeddedAmqpBroker broker) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(broker.host());
        factory.setPort(broker.port());
        factory.setUsername(broker.user());
        factory.setPassword(broker.password());
        factory.setVirtualHost(broker.virtualHost());
        return factory;
    }
}
