package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.gateway.tcp.TcpServer;
import tools.jackson.databind.JsonNode;

/**
 * A second gateway replica with the seeds' compatibility switch on (and a small connection cap),
 * sharing the database and broker of the running system: the seeds' unmodified clients work.
 */
class TcpLegacyClientsTest extends ApiTestSupport {

    private static ConfigurableApplicationContext legacyGateway;
    private static int port;

    @BeforeAll
    static void startLegacyGateway() {
        legacyGateway = system.startGateway(Map.of("taskhive.tcp.legacy-clients", true,
                "taskhive.tcp.max-connections", 4));
        port = legacyGateway.getBean(TcpServer.class).port();
    }

    @AfterAll
    static void stopLegacyGateway() {
        legacyGateway.close();
    }

    @Test
    void seedTwosBareUsernameIsTrustedOnlyWithTheSwitch() throws Exception {
        String name = "l" + UUID.randomUUID().toString().substring(0, 10);
        try (TcpClient c = new TcpClient(port)) {
            c.request("{\"action\": \"register\", \"username\": \"" + name + "\", \"password\": \"clave-segura-1\"}");
        }
        String taskId;
        try (TcpClient c = new TcpClient(port)) {
            JsonNode created = c.request("{\"action\": \"new_task\", \"username\": \"" + name + "\", \"task\": \"backup\"}");
            assertThat(created.get("status").stringValue()).isEqualTo("task_created");
            taskId = created.get("task_id").stringValue();
        }
        try (TcpClient c = new TcpClient(port)) {
            JsonNode rows = c.request("{\"action\": \"get_tasks\", \"username\": \"" + name + "\"}");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get(0).stringValue()).isEqualTo(taskId);
            assertThat(rows.get(0).get(2).stringValue()).isEqualTo("backup");
            assertThat(rows.get(0).get(1).longValue()).isEqualTo(
                    queryForLong("select id from users where username = ?", name));
        }
        try (TcpClient c = new TcpClient(port)) {
            assertThat(c.request("{\"action\": \"get_tasks\", \"username\": \"nobody-" + name + "\"}")
                    .get("status").stringValue()).isEqualTo("error");
        }
    }

    @Test
    void seedOnesAnonymousTasksRunAsTheDedicatedUser() throws Exception {
        try (TcpClient c = new TcpClient(port)) {
            JsonNode done = c.request("{\"tipo\": \"1\", \"contenido\": \"hola mundo\"}");
            assertThat(done.get("ok").booleanValue()).as(done.toString()).isTrue();
            assertThat(done.get("resultado").get("text").stringValue()).isEqualTo("HOLA MUNDO");
            assertThat(queryRows("select u.username from tasks t join users u on u.id = t.owner_id where t.id = ?",
                    UUID.fromString(done.get("task_id").stringValue()))).containsExactly("seed-clients");
        }
        try (TcpClient c = new TcpClient(port)) {
            assertThat(c.request("{\"tipo\": 3, \"contenido\": \"a b c d\"}").get("result").get("count").intValue())
                    .isEqualTo(4);
        }
    }

    @Test
    void theAnonymousOwnersNameIsReservedAndNobodyCanLogInAsIt() throws Exception {
        try (TcpClient c = new TcpClient(port)) {
            JsonNode taken = c.request("{\"action\": \"register\", \"username\": \"seed-clients\", "
                    + "\"password\": \"clave-segura-1\"}");
            assertThat(taken.get("status").stringValue()).isEqualTo("in_use");
        }
        assertThat(api.post("/api/auth/register", null, Map.of("username", "seed-clients", "password", "x-password-1"))
                .status()).isEqualTo(409);
    }

    @Test
    void aStoppingGatewayAnswersTheRequestInHandThenClosesTheConnection() throws Exception {
        ConfigurableApplicationContext stopping = system.startGateway(Map.of("taskhive.tcp.legacy-clients", true));
        try (TcpClient client = new TcpClient(stopping.getBean(TcpServer.class).port())) {
            client.send("{\"tipo\": 4, \"contenido\": \"2\"}"); // a two-second sleep, answered when done
            Thread.sleep(500);
            Thread closer = Thread.ofVirtual().start(stopping::close);
            JsonNode reply = client.reply();
            assertThat(reply.get("status").stringValue()).isEqualTo("SUCCEEDED");
            assertThat(client.closedByServer()).isTrue();
            closer.join();
        } finally {
            stopping.close();
        }
    }

    @Test
    void connectionsPastTheCapGetAnErrorLineAndAreClosed() throws Exception {
        List<TcpClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                TcpClient client = new TcpClient(port);
                client.request("{\"action\":\"ping\"}");
                held.add(client);
            }
            try (TcpClient extra = new TcpClient(port)) {
                assertThat(extra.reply().get("error").get("code").stringValue()).isEqualTo("too_many_connections");
                assertThat(extra.closedByServer()).isTrue();
            }
        } finally {
            for (TcpClient client : held) {
                client.close();
            }
        }
    }
}
