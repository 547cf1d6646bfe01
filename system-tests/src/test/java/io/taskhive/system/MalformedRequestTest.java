package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests that no Java HTTP client would send as written (they normalise or refuse them), written
 * byte for byte on a socket: each layer that can refuse one (Tomcat's parser and URI checks, Spring
 * Security's firewall, Spring MVC) answers with an RFC 9457 problem, never an HTML page or Spring
 * Boot's own error body, and never leaks a stack trace.
 */
class MalformedRequestTest extends ApiTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /api/tasks/%2F",
            "GET /api/tasks/%2f/retry",
            "GET /api/tasks/%00",
            "GET /api/tasks/%5c",
            "GET /api/tasks/%5C..%5C",
            "GET /api/../api/tasks",
            "GET /api/tasks/./x",
            "GET /api/tasks;jsessionid=1",
            "GET /api/tasks/x;a=b",
            "POST /api/tasks//retry",
            "GET //api/tasks",
            "GET /api/tasks/%",
            "GET /api/tasks/%zz",
            "GET /api/tasks/\u007f",
            "GET /api/tasks/{id}",
            "GET /api/tasks/a|b",
            "GET /api/tasks?page=%",
            "GET /api/tasks/%C0%AF",
            "BREW /api/tasks"})
    void isAnsweredWithAProblem(String requestLine) throws IOException {
        String token = newUserToken();
        Reply reply = send(requestLine + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(reply.status()).as(reply.toString()).isBetween(400, 499);
        assertThat(reply.header("content-type")).as(reply.toString()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(reply.body());
        assertThat(problem.get("status").intValue()).as(reply.toString()).isEqualTo(reply.status());
        assertThat(problem.get("title").stringValue()).as(reply.toString()).isNotBlank();
        assertThat(problem.has("detail")).as(reply.toString()).isTrue();
        assertThat(reply.body()).as(reply.toString()).doesNotContain("Exception", "at org.", "<html");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\r\nHost: localhost\r\nHost: other\r\n",
            "GET /api/tasks HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n",
            "GET /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n",
            "GET /api/tasks HTTP/9.9\r\nHost: localhost\r\n"})
    void aMalformedHeadOrProtocolIsAnsweredWithAProblem(String head) throws IOException {
        Reply reply = send(head + "Connection: close\r\n\r\n");
        assertThat(reply.status()).as(reply.toString()).isBetween(400, 505);
        assertThat(reply.header("content-type")).as(reply.toString()).startsWith("application/problem+json");
        assertThat(reply.body()).as(reply.toString()).doesNotContain("Exception", "<html");
    }

    private static String newUserToken() {
        return newUser().token();
    }

    private static Reply send(String request) throws IOException {
        URI base = URI.create(system.baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return Reply.parse(request, all.toString(StandardCharsets.UTF_8));
        }
    }

    private record Reply(String request, int status, List<String> headers, String body) {

        static Reply parse(String request, String raw) {
            int end = raw.indexOf("\r\n\r\n");
            String head = end < 0 ? raw : raw.substring(0, end);
            String body = end < 0 ? "" : raw.substring(end + 4);
            List<String> lines = head.lines().toList();
            int status = lines.isEmpty() || lines.getFirst().length() < 12 ? -1
                    : Integer.parseInt(lines.getFirst().substring(9, 12));
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Reply(request, status, lines, body);
        }

        private static String unchunk(String chunked) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (at < chunked.length()) {
                int lineEnd = chunked.indexOf("\r\n", at);
                if (lineEnd < 0) {
                    break;
                }
                int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
                at = lineEnd + 2 + size + 2;
            }
            return body.toString();
        }

        String header(String name) {
            return headers.stream().filter(h -> h.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(h -> h.substring(name.length() + 1).trim()).findFirst().orElse("");
        }

        @Override
        public String toString() {
            return request.lines().findFirst().orElse("") + " -> " + String.join(" / ", headers) + " :: " + body;
        }
    }
}
