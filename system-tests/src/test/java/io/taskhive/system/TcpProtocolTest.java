package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The TCP listener with real sockets against the running gateway and worker. */
class TcpProtocolTest extends ApiTestSupport {

    private static TcpClient connect() throws IOException {
        return new TcpClient(system.tcpPort);
    }

    private static String credentials(User user) {
        return "\"username\":\"" + user.username() + "\",\"password\":\"" + user.password() + "\"";
    }

    @Test
    void pingEchoesTheRequestId() throws Exception {
        try (TcpClient client = connect()) {
            JsonNode pong = client.request("{\"action\":\"ping\",\"id\":42}\n");
            assertThat(pong.get("ok").booleanValue()).isTrue();
            assertThat(pong.get("pong").booleanValue()).isTrue();
            assertThat(pong.get("id").intValue()).isEqualTo(42);
        }
    }

    @Test
    void aNativeSessionRegistersLogsInSubmitsWaitsAndReads() throws Exception {
        String name = "t" + UUID.randomUUID().toString().substring(0, 10);
        try (TcpClient client = connect()) {
            JsonNode registered = client.request("{\"action\":\"register\",\"username\":\"" + name
                    + "\",\"password\":\"tcp-password-1\"}");
            assertThat(registered.get("ok").booleanValue()).isTrue();
            assertThat(registered.get("status").stringValue()).isEqualTo("success");
            JsonNode loggedIn = client.request("{\"action\":\"login\",\"username\":\"" + name
                    + "\",\"password\":\"tcp-password-1\"}");
            assertThat(loggedIn.get("status").stringValue()).isEqualTo("logged_in");
            assertThat(loggedIn.get("token").stringValue()).isNotBlank();

            JsonNode done = client.request("{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":\"hola mundo\"},"
                    + "\"wait\":20,\"id\":\"a\"}");
            assertThat(done.get("id").stringValue()).isEqualTo("a");
            assertThat(done.get("task").get("status").stringValue()).isEqualTo("SUCCEEDED");
            assertThat(done.get("task").get("result").get("text").stringValue()).isEqualTo("HOLA MUNDO");
            String taskId = done.get("task").get("id").stringValue();

            JsonNode byCode = client.request("{\"action\":\"submit\",\"type\":\"3\",\"content\":\"uno dos tres\",\"wait\":20}");
            assertThat(byCode.get("task").get("result").get("count").intValue()).isEqualTo(3);

            JsonNode got = client.request("{\"action\":\"get\",\"task_id\":\"" + taskId + "\"}");
            assertThat(got.get("task").get("history")).hasSize(3);
            JsonNode listed = client.request("{\"action\":\"list\",\"type\":\"uppercase\",\"size\":5}");
            assertThat(listed.get("page").get("totalItems").longValue()).isEqualTo(1);

            JsonNode first = client.request("{\"action\":\"submit\",\"type\":\"reverse\",\"payload\":{\"text\":\"ab\"},"
                    + "\"idempotency_key\":\"k-1\"}");
            JsonNode again = client.request("{\"action\":\"submit\",\"type\":\"reverse\",\"payload\":{\"text\":\"ab\"},"
                    + "\"idempotency_key\":\"k-1\"}");
            assertThat(first.get("created").booleanValue()).isTrue();
            assertThat(again.get("created").booleanValue()).isFalse();
            assertThat(again.get("task").get("id")).isEqualTo(first.get("task").get("id"));

            JsonNode sleeping = client.request("{\"action\":\"submit\",\"type\":\"sleep\",\"payload\":{\"seconds\":30}}");
            String sleeper = sleeping.get("task").get("id").stringValue();
            JsonNode cancelled = client.request("{\"action\":\"cancel\",\"task_id\":\"" + sleeper + "\"}");
            assertThat(cancelled.get("task").get("status").stringValue()).isEqualTo("CANCELLED");

            JsonNode bad = client.request("{\"action\":\"submit\",\"type\":\"shout\",\"payload\":{}}");
            assertThat(bad.get("ok").booleanValue()).isFalse();
            assertThat(bad.get("error").get("code").stringValue()).isEqualTo("invalid_request");
            JsonNode missing = client.request("{\"action\":\"get\",\"task_id\":\"" + UUID.randomUUID() + "\"}");
            assertThat(missing.get("error").get("code").stringValue()).isEqualTo("not_found");
        }
    }

    @Test
    void aTokenFromRestWorksOnAnyRequestAndAnonymousRequestsAreRefused() throws Exception {
        User user = newUser();
        try (TcpClient client = connect()) {
            JsonNode refused = client.request("{\"action\":\"list\"}");
            assertThat(refused.get("error").get("code").stringValue()).isEqualTo("unauthorized");
            JsonNode listed = client.request("{\"action\":\"list\",\"token\":\"" + user.token() + "\"}");
            assertThat(listed.get("ok").booleanValue()).as(listed.toString()).isTrue();
            JsonNode sameConnection = client.request("{\"action\":\"list\"}");
            assertThat(sameConnection.get("ok").booleanValue()).as("the token authenticated the connection").isTrue();
            JsonNode forged = client.request("{\"action\":\"list\",\"token\":\"x.y.z\"}");
            assertThat(forged.get("error").get("code").stringValue()).isEqualTo("unauthorized");
        }
    }

    @Test
    void anotherUsersTaskIsNotFoundOverTcpToo() throws Exception {
        User owner = newUser();
        User stranger = newUser();
        String id = submit(owner, "uppercase", java.util.Map.of("text", "mine")).get("id").stringValue();
        try (TcpClient client = connect()) {
            JsonNode peek = client.request("{\"action\":\"get\",\"task_id\":\"" + id + "\",\"token\":\"" + stranger.token() + "\"}");
            assertThat(peek.get("error").get("code").stringValue()).isEqualTo("not_found");
        }
    }

    @Test
    void pipelinedRequestsWithoutNewlinesAreAnsweredInOrder() throws Exception {
        try (TcpClient client = connect()) {
            client.send("{\"action\":\"ping\",\"id\":1}{\"action\":\"ping\",\"id\":2} {\"action\":\"nope\",\"id\":3}\n"
                    + "{\"action\":\"ping\",\"id\":4}");
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(client.reply().get("id").intValue());
            }
            assertThat(ids).containsExactly(1, 2, 3, 4);
        }
        User user = newUser();
        try (TcpClient client = connect()) {
            client.send("{\"action\":\"submit\",\"token\":\"" + user.token() + "\",\"type\":\"sleep\","
                    + "\"payload\":{\"seconds\":0.5},\"wait\":20,\"id\":\"slow\"}{\"action\":\"ping\",\"id\":\"fast\"}");
            JsonNode first = client.reply();
            assertThat(first.get("id").stringValue()).isEqualTo("slow");
            assertThat(first.get("task").get("status").stringValue()).isEqualTo("SUCCEEDED");
            assertThat(client.reply().get("id").stringValue()).isEqualTo("fast");
        }
    }

    @Test
    void submissionsSentAloneAndPipelinedOnOneConnectionAreEachStoredOnceAndAnsweredInOrder() throws Exception {
        // Sent alone, a submission is a batch of one; pipelined, they are stored in batches that two
        // writers work through side by side. Alternating between the two on one connection must not
        // mix up replies, lose a task or store one twice.
        User user = newUser();
        List<String> sent = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        try (TcpClient client = connect()) {
            client.request("{\"action\":\"login\"," + credentials(user) + "}");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 3; i++) {
                    String text = "alone-" + round + "-" + i;
                    sent.add(text);
                    answered.add(storedText(client.request(submitLine(text))));
                }
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    String text = "burst-" + round + "-" + i;
                    sent.add(text);
                    burst.append(submitLine(text));
                }
                client.send(burst.toString());
                for (int i = 0; i < 20; i++) {
                    answered.add(storedText(client.reply()));
                }
            }
        }
        assertThat(answered).containsExactlyElementsOf(sent);
        assertThat(queryRows("select payload->>'text' from tasks where owner_id = ?", user.id()))
                .as("each task stored once").containsExactlyInAnyOrderElementsOf(sent);
    }

    private static String submitLine(String text) {
        return "{\"action\":\"submit\",\"type\":\"uppercase\",\"payload\":{\"text\":\"" + text + "\"},\"id\":\""
                + text + "\"}";
    }

    /** The text a submission's reply says was stored, checked against the request it echoes. */
    private static String storedText(JsonNode reply) {
        assertThat(reply.get("ok").booleanValue()).as(reply.toString()).isTrue();
        String text = reply.get("task").get("payload").get("text").stringValue();
        assertThat(reply.get("id").stringValue()).as(reply.toString()).isEqualTo(text);
        return text;
    }

    @Test
    void pushedEventsNeverLandInsideARepliesAndRepliesKeepTheirOrder() throws Exception {
        User user = newUser();
        int count = 60;
        try (TcpClient client = connect()) {
            client.request("{\"action\":\"subscribe\",\"token\":\"" + user.token() + "\"}");
            StringBuilder pipelined = new StringBuilder();
            for (int i = 0; i < count; i++) {
                pipelined.append("{\"action\":\"submit\",\"type\":\"reverse\",\"payload\":{\"text\":\"")
                        .append("x".repeat(2_000)).append(i).append("\"},\"id\":").append(i).append("}");
            }
            client.send(pipelined.toString());
            List<Integer> replies = new ArrayList<>();
            int events = 0;
            while (replies.size() < count || events < 3 * count) {
                JsonNode line = client.reply(); // each line must be one whole JSON value
                if (line.has("event")) {
                    events++;
                } else {
                    assertThat(line.get("ok").booleanValue()).as(line.toString()).isTrue();
                    replies.add(line.get("id").intValue());
                }
            }
            assertThat(replies).isSorted().hasSize(count);
        }
    }

    @Test
    void binaryGarbageOnTheSocketGetsErrorsAndNeverHurtsTheGateway() throws Exception {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 5; round++) {
            byte[] garbage = new byte[64 * 1024];
            random.nextBytes(garbage);
            try (TcpClient c = connect()) {
                c.send(garbage);
                JsonNode first = c.reply();
                assertThat(first.get("ok").booleanValue()).isFalse();
                assertThat(first.get("error").get("code").stringValue()).isIn("malformed_json", "invalid_request",
                        "too_large");
            }
        }
        try (TcpClient c = connect()) {
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
        }
        assertThat(management.get("/actuator/health/readiness", null).status()).isEqualTo(200);
    }

    @Test
    void subscribersGetEveryStatusChangeAsPushLines() throws Exception {
        User user = newUser();
        try (TcpClient client = connect()) {
            assertThat(client.request("{\"action\":\"subscribe\",\"token\":\"" + user.token() + "\"}")
                    .get("subscribed").booleanValue()).isTrue();
            String id = submit(user, "uppercase", java.util.Map.of("text", "live")).get("id").stringValue();
            List<String> statuses = new ArrayList<>();
            while (!statuses.contains("SUCCEEDED")) {
                JsonNode line = client.reply();
                assertThat(line.get("event").stringValue()).isEqualTo("task");
                if (line.get("task_id").stringValue().equals(id)) {
                    statuses.add(line.get("status").stringValue());
                }
            }
            assertThat(statuses).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        }
    }

    @Test
    void seedTwoClientsOneConnectionPerRequestWithoutNewlines() throws Exception {
        String name = "s" + UUID.randomUUID().toString().substring(0, 10);
        String register = "{\"action\": \"register\", \"username\": \"" + name + "\", \"password\": \"clave-segura-1\"}";
        long userId;
        try (TcpClient c = connect()) {
            JsonNode registered = c.request(register);
            assertThat(registered.get("status").stringValue()).isEqualTo("success");
            userId = registered.get("user").get("id").longValue();
        }
        try (TcpClient c = connect()) {
            assertThat(c.request(register).get("status").stringValue()).isEqualTo("in_use");
        }
        try (TcpClient c = connect()) {
            assertThat(c.request("{\"action\": \"login\", \"username\": \"" + name + "\", \"password\": \"wrong-one\"}")
                    .get("status").stringValue()).isEqualTo("wrong_credentials");
        }
        try (TcpClient c = connect()) {
            assertThat(c.request("{\"action\": \"login\", \"username\": \"nobody-" + name + "\", \"password\": \"x\"}")
                    .get("status").stringValue()).isEqualTo("wrong_credentials");
        }
        try (TcpClient c = connect()) {
            assertThat(c.request("{\"action\": \"login\", \"username\": \"" + name + "\", \"password\": \"clave-segura-1\"}")
                    .get("status").stringValue()).isEqualTo("logged_in");
        }
        // The seed's client now sends only the username on a new connection: refused while the switch is off.
        try (TcpClient c = connect()) {
            JsonNode refused = c.request("{\"action\": \"new_task\", \"username\": \"" + name + "\", \"task\": \"informe\"}");
            assertThat(refused.get("status").stringValue()).isEqualTo("error");
            assertThat(refused.get("message").stringValue()).contains("TASKHIVE_TCP_LEGACY_CLIENTS");
        }
        // Logged in on the same connection, the same requests work.
        try (TcpClient c = connect()) {
            c.request("{\"action\": \"login\", \"username\": \"" + name + "\", \"password\": \"clave-segura-1\"}");
            JsonNode created = c.request("{\"action\": \"new_task\", \"username\": \"" + name + "\", \"task\": \"informe\"}");
            assertThat(created.get("status").stringValue()).isEqualTo("task_created");
            JsonNode rows = c.request("{\"action\": \"get_tasks\", \"username\": \"" + name + "\"}");
            assertThat(rows.isArray()).isTrue();
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get(0).stringValue()).isEqualTo(created.get("task_id").stringValue());
            assertThat(rows.get(0).get(1).isIntegralNumber()).isTrue();
            assertThat(rows.get(0).get(1).longValue()).isEqualTo(userId);
            assertThat(rows.get(0).get(2).stringValue()).isEqualTo("informe");
            assertThat(rows.get(0).get(3).stringValue()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
        }
    }

    @Test
    void seedOneRequestsRunTheTaskAndAnswerWithItsResult() throws Exception {
        User user = newUser();
        try (TcpClient c = connect()) {
            JsonNode anonymous = c.request("{\"tipo\": 1, \"contenido\": \"hola mundo\"}");
            assertThat(anonymous.get("ok").booleanValue()).isFalse();
            assertThat(anonymous.get("code").stringValue()).isEqualTo("unauthorized");
            assertThat(anonymous.get("error").stringValue()).contains("TASKHIVE_TCP_LEGACY_CLIENTS");
        }
        try (TcpClient c = connect()) {
            JsonNode byCode = c.request("{\"tipo\": 2, \"contenido\": \"abc\", \"token\": \"" + user.token() + "\"}");
            assertThat(byCode.get("status").stringValue()).isEqualTo("SUCCEEDED");
            assertThat(byCode.get("resultado").get("text").stringValue()).isEqualTo("cba");
            JsonNode byKey = c.request("{\"type\": \"sleep\", \"content\": \"0.1\", \"token\": \"" + user.token() + "\"}");
            assertThat(byKey.get("result").get("slept").doubleValue()).isEqualTo(0.1);
            JsonNode unknown = c.request("{\"tipo\": 9, \"contenido\": \"x\", \"token\": \"" + user.token() + "\"}");
            assertThat(unknown.get("code").stringValue()).isEqualTo("invalid_request");
            assertThat(unknown.get("error").stringValue()).contains("unknown task type");
            JsonNode badSeconds = c.request("{\"tipo\": 4, \"contenido\": \"soon\", \"token\": \"" + user.token() + "\"}");
            assertThat(badSeconds.get("ok").booleanValue()).isFalse();
            assertThat(badSeconds.get("error").isString()).as(badSeconds.toString()).isTrue();
        }
    }

    @Test
    void textThatCannotBeStoredIsRefusedAndNumbersAreStoredInTheirCanonicalForm() throws Exception {
        User user = newUser();
        try (TcpClient c = connect()) {
            JsonNode nul = c.request("{\"action\":\"login\",\"username\":\"a\\u0000b\",\"password\":\"whatever-1\"}\n");
            assertThat(nul.get("ok").booleanValue()).as(nul.toString()).isFalse();
            assertThat(nul.get("error").get("code").stringValue()).as(nul.toString()).isEqualTo("unauthorized");
            JsonNode tiny = c.request("{\"action\":\"submit\",\"type\":\"4\",\"content\":\"1e-20000\",\"wait\":20,"
                    + "\"token\":\"" + user.token() + "\"}\n");
            assertThat(tiny.get("task").get("status").stringValue()).as(tiny.toString()).isEqualTo("SUCCEEDED");
            assertThat(tiny.get("task").get("payload").toString()).isEqualTo("{\"seconds\":0}");
            JsonNode infinite = c.request("{\"action\":\"submit\",\"type\":\"sleep\",\"payload\":{\"seconds\":1e309},"
                    + "\"token\":\"" + user.token() + "\"}\n");
            assertThat(infinite.get("error").get("code").stringValue()).as(infinite.toString()).isEqualTo("invalid_request");
        }
    }

    @Test
    void malformedInputGetsAnErrorAndTheConnectionStaysUsable() throws Exception {
        try (TcpClient c = connect()) {
            JsonNode garbage = c.request("{\"action\": oops}\n");
            assertThat(garbage.get("error").get("code").stringValue()).isEqualTo("malformed_json");
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            c.send(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
            assertThat(c.reply().get("error").get("code").stringValue()).isEqualTo("malformed_json");
            // an overlong '/' (C0 AF) is not UTF-8, however Jackson's decoder would read it
            c.send(new byte[] {'{', '"', 'a', 'c', 't', 'i', 'o', 'n', '"', ':', '"', 'p', 'i', 'n', 'g', (byte) 0xC0,
                    (byte) 0xAF, '"', '}', '\n'});
            assertThat(c.reply().get("error").get("code").stringValue()).isEqualTo("malformed_json");
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            assertThat(c.request("[1,2]").get("error").get("code").stringValue()).isEqualTo("invalid_request");
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
            assertThat(c.request("{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}\n").get("error").get("code")
                    .stringValue()).isEqualTo("malformed_json");
            assertThat(c.request("{\"action\":\"ping\"}").get("pong").booleanValue()).isTrue();
        }
    }

    @Test
    void oversizedRequestsAndSilenceCloseTheConnectionWithAnError() throws Exception {
        try (TcpClient c = connect()) {
            byte[] huge = ("{\"action\":\"ping\",\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}\n").getBytes();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.send(huge);
                } catch (IOException e) {
                    // the server closes mid-write, as it should
                }
            });
            assertThat(c.reply().get("error").get("code").stringValue()).isEqualTo("too_large");
            assertThat(c.closedByServer()).isTrue();
            writer.join();
        }
        try (TcpClient c = connect()) {
            c.send("{\"action\": \"pi"); // half a request, then silence past the idle timeout (3 s here)
            assertThat(c.reply().get("error").get("code").stringValue()).isEqualTo("idle_timeout");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
