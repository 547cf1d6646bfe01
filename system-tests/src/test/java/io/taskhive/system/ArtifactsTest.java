package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.taskhive.gateway.retention.ArtifactCleanup;
import io.taskhive.gateway.retention.RetentionPurge;
import io.taskhive.task.TaskStatus;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/**
 * Result files in the artifact store (S3Mock, in process, behind a proxy the tests can cut): a
 * report above the threshold round-trips byte for byte, only its owner (or an admin) gets it, it
 * goes with its task, and a storage outage costs an attempt, not the task. A worker process killed
 * in the middle of its upload is {@link FaultToleranceTest}'s.
 */
class ArtifactsTest extends ApiTestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static S3Client s3;

    @BeforeAll
    static void storage() {
        s3 = system.artifactStorage.createS3ClientV2();
    }

    @AfterAll
    static void closeStorage() {
        s3.close();
    }

    /** A text of {@code words} distinct words: its report is about 25 bytes a word, above the 2 KB threshold from 100 on. */
    static String text(int words) {
        return IntStream.range(0, words).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
    }

    @Test
    void aReportAboveTheThresholdRoundTripsThroughTheStoreByteForByte() throws Exception {
        User owner = newUser();
        String id = submit(owner, "report", Map.of("text", text(800))).get("id").stringValue();
        JsonNode task = awaitStatus(owner, id, TaskStatus.SUCCEEDED, TIMEOUT);

        JsonNode artifact = task.get("artifact");
        assertThat(artifact.get("stored").stringValue()).isEqualTo("artifact");
        assertThat(artifact.get("url").stringValue()).isEqualTo("/api/tasks/" + id + "/result");
        assertThat(artifact.get("contentType").stringValue()).isEqualTo("text/csv; charset=utf-8");
        assertThat(artifact.get("size").longValue()).isGreaterThan(2048);
        assertThat(task.get("result").get("words").intValue()).isEqualTo(800);
        assertThat(task.get("result").get("file").has("content")).as("no copy in the row").isFalse();
        // The winning attempt's key (on a busy machine an attempt may time out and be retried, as designed).
        String key = "tasks/" + id + "/" + task.get("attempts").intValue();
        assertThat(queryRows("select artifact_key, artifact_size from tasks where id = ?", UUID.fromString(id)))
                .containsExactly(key + "|" + artifact.get("size").longValue());
        assertThat(awaitObjects(id, List.of(key))).containsExactly(key);

        HttpResponse<byte[]> download = download(id, owner.token());
        assertThat(download.statusCode()).isEqualTo(200);
        byte[] body = download.body();
        assertThat(download.headers().firstValue("Content-Type")).hasValue("text/csv;charset=utf-8");
        assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(body.length);
        assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).contains("report.csv");
        assertThat(body.length).isEqualTo(artifact.get("size").longValue());
        assertThat(sha256(body)).isEqualTo(artifact.get("sha256").stringValue());
        assertThat(download.headers().firstValue("Repr-Digest")).hasValue("sha-256=:"
                + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(body))) + ":");
        assertThat(body).isEqualTo(s3.getObjectAsBytes(g -> g.bucket(system.artifactBucket)
                .key(key)).asByteArray());
        List<String> lines = new String(body, StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(801).first().isEqualTo("rank,word,count,share_percent,first_offset");
        assertThat(lines.get(1)).isEqualTo("1,word0,1,0.125,0");

        User stranger = newUser();
        assertThat(download(id, stranger.token()).statusCode()).isEqualTo(404);
        User admin = login(RunningSystem.ADMIN_USERNAME, RunningSystem.ADMIN_PASSWORD);
        HttpResponse<byte[]> asAdmin = download(id, admin.token());
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(asAdmin.body()).isEqualTo(body);
        assertThat(download(id, null).statusCode()).isEqualTo(401);
        assertThat(download(UUID.randomUUID().toString(), owner.token()).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/tasks/not-a-uuid/result", owner.token()).status()).isEqualTo(400);
    }

    @Test
    void aSocketClientFetchesTheFileWithTheResultAction() throws Exception {
        User owner = newUser();
        String id = submit(owner, "report", Map.of("text", text(300))).get("id").stringValue();
        JsonNode task = awaitStatus(owner, id, TaskStatus.SUCCEEDED, TIMEOUT);
        try (TcpClient tcp = new TcpClient(system.tcpPort)) {
            JsonNode got = tcp.request("{\"action\":\"get\",\"token\":\"" + owner.token() + "\",\"task_id\":\""
                    + id + "\"}\n");
            assertThat(got.get("task").get("artifact").get("url").stringValue()).isEqualTo("/api/tasks/" + id + "/result");
            JsonNode reply = tcp.request("{\"action\":\"result\",\"token\":\"" + owner.token()
                    + "\",\"task_id\":\"" + id + "\"}\n");
            assertThat(reply.get("ok").booleanValue()).as(reply.toString()).isTrue();
            byte[] content = Base64.getDecoder().decode(reply.get("file").get("base64").stringValue());
            assertThat(sha256(content)).isEqualTo(task.get("artifact").get("sha256").stringValue())
                    .isEqualTo(reply.get("file").get("sha256").stringValue());
            assertThat(reply.get("file").get("name").stringValue()).isEqualTo("report.csv");

            User stranger = newUser();
            JsonNode refused = tcp.request("{\"action\":\"result\",\"token\":\"" + stranger.token()
                    + "\",\"task_id\":\"" + id + "\"}\n");
            assertThat(refused.get("ok").booleanValue()).isFalse();
            assertThat(refused.get("error").get("code").stringValue()).isEqualTo("not_found");
        }
    }

    @Test
    void aSmallReportStaysInTheRowAndDownloadsAlike() throws Exception {
        User owner = newUser();
        String id = submit(owner, "report", Map.of("text", "uno dos dos")).get("id").stringValue();
        JsonNode task = awaitStatus(owner, id, TaskStatus.SUCCEEDED, TIMEOUT);

        assertThat(task.get("artifact").get("stored").stringValue()).isEqualTo("inline");
        String csv = "rank,word,count,share_percent,first_offset\n1,dos,2,66.667,4\n2,uno,1,33.333,0\n";
        assertThat(task.get("result").get("file").get("content").stringValue()).isEqualTo(csv);
        assertThat(queryRows("select artifact_key from tasks where id = ?", UUID.fromString(id))).containsExactly("null");
        assertThat(objectsOf(id)).isEmpty();
        HttpResponse<byte[]> download = download(id, owner.token());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo(csv);
        assertThat(sha256(download.body())).isEqualTo(task.get("artifact").get("sha256").stringValue());

        String other = submit(owner, "uppercase", Map.of("text", "abc")).get("id").stringValue();
        awaitStatus(owner, other, TaskStatus.SUCCEEDED, TIMEOUT);
        ApiClient.Response none = api.get("/api/tasks/" + other + "/result", owner.token());
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("detail").stringValue()).contains("has no result file");
    }

    @Test
    void purgingTheTaskDeletesItsObject() {
        User owner = newUser();
        String id = submit(owner, "report", Map.of("text", text(300))).get("id").stringValue();
        String key = "tasks/" + id + "/" + awaitStatus(owner, id, TaskStatus.SUCCEEDED, TIMEOUT).get("attempts").intValue();
        assertThat(awaitObjects(id, List.of(key))).containsExactly(key);

        queryRows("update tasks set finished_at = now() - interval '8 days' where id = ? returning id",
                UUID.fromString(id));
        system.gateway.getBean(RetentionPurge.class).purge();

        assertThat(api.get("/api/tasks/" + id, owner.token()).status()).isEqualTo(404);
        assertThat(objectsOf(id)).isEmpty();
        assertThatThrownBy(() -> s3.headObject(h -> h.bucket(system.artifactBucket).key(key)))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void whenTheStorageIsDownTheAttemptIsRetriedAndTheTaskSucceedsOnceItIsBack() throws Exception {
        User owner = newUser();
        system.artifactLink.cut();
        String id;
        try {
            ApiClient.Response submitted = api.post("/api/tasks", owner.token(), Map.of("type", "report",
                    "payload", Map.of("text", text(400)), "maxAttempts", 10));
            assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
            id = submitted.json().get("id").stringValue();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            JsonNode task;
            do {
                sleep(Duration.ofMillis(100));
                task = api.get("/api/tasks/" + id, owner.token()).json();
            } while (task.get("attempts").intValue() < 2 && System.nanoTime() < deadline);
            assertThat(task.get("attempts").intValue()).as(task.toString()).isGreaterThanOrEqualTo(2);
            assertThat(task.get("status").stringValue()).isIn("RETRYING", "RUNNING");
            assertThat(task.get("error").stringValue()).contains("artifact upload failed");
        } finally {
            system.artifactLink.restore();
        }
        JsonNode done = awaitStatus(owner, id, TaskStatus.SUCCEEDED, TIMEOUT);
        int attempt = done.get("attempts").intValue();
        assertThat(attempt).isGreaterThanOrEqualTo(2);
        assertThat(awaitObjects(id, List.of("tasks/" + id + "/" + attempt))).containsExactly("tasks/" + id + "/" + attempt);
        HttpResponse<byte[]> download = download(id, owner.token());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(done.get("artifact").get("sha256").stringValue());
    }

    @Test
    void anObjectNoTaskRefersToIsSweptOnceOldEnough() {
        User owner = newUser();
        String kept = submit(owner, "report", Map.of("text", text(300))).get("id").stringValue();
        String keptKey = "tasks/" + kept + "/" + awaitStatus(owner, kept, TaskStatus.SUCCEEDED, TIMEOUT)
                .get("attempts").intValue();
        assertThat(awaitObjects(kept, List.of(keptKey))).containsExactly(keptKey);
        String orphan = "tasks/" + io.taskhive.task.TaskIds.next() + "/1";
        s3.putObject(p -> p.bucket(system.artifactBucket).key(orphan), RequestBody.fromString("orphan"));
        ArtifactCleanup cleanup = system.gateway.getBean(ArtifactCleanup.class);
        assertThat(cleanup.sweepOrphans()).as("younger than the orphan age").isZero();

        sleep(Duration.parse("PT" + RunningSystem.ARTIFACT_ORPHAN_AGE.toUpperCase()).plusMillis(1_100));

        assertThat(cleanup.sweepOrphans()).isEqualTo(1);
        assertThat(s3.listObjectsV2(l -> l.bucket(system.artifactBucket).prefix(orphan)).contents()).isEmpty();
        assertThat(objectsOf(kept)).containsExactly(keptKey);
    }

    @Test
    void withoutArtifactStorageAReportThatCouldBeLargeIsRefusedAtSubmission() {
        User owner = newUser();
        try (ConfigurableApplicationContext gateway = system.startGateway(Map.of("taskhive.artifacts.endpoint", ""))) {
            ApiClient plain = new ApiClient("http://127.0.0.1"
                    + ":" + ((WebServerApplicationContext) gateway).getWebServer().getPort());
            ApiClient.Response refused = plain.post("/api/tasks", owner.token(),
                    Map.of("type", "report", "payload", Map.of("text", text(400))));
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().get("detail").stringValue()).contains("artifact storage")
                    .contains("TASKHIVE_ARTIFACTS_ENDPOINT");

            ApiClient.Response small = plain.post("/api/tasks", owner.token(),
                    Map.of("type", "report", "payload", Map.of("text", "uno dos")));
            assertThat(small.status()).as(small.text()).isEqualTo(202);
            ApiClient.Response other = plain.post("/api/tasks", owner.token(),
                    Map.of("type", "reverse", "payload", Map.of("text", text(400))));
            assertThat(other.status()).as(other.text()).isEqualTo(202);
        }
    }

    /** The task's objects once they are {@code expected}, or as they are after a few seconds. */
    private static List<String> awaitObjects(String taskId, List<String> expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> objects = objectsOf(taskId);
        while (!objects.equals(expected) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            objects = objectsOf(taskId);
        }
        return objects;
    }

    private static List<String> objectsOf(String taskId) {
        return s3.listObjectsV2(l -> l.bucket(system.artifactBucket).prefix("tasks/" + taskId + "/")).contents()
                .stream().map(S3Object::key).toList();
    }

    private static HttpResponse<byte[]> download(String id, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.baseUrl + "/api/tasks/" + id + "/result"))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
