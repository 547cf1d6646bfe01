package io.taskhive.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import com.adobe.testing.s3mock.junit5.S3MockExtension;

/** The S3 implementation against S3Mock, in process: what the workers and gateways rely on. */
class S3ArtifactStoreTest {

    private static final S3MockExtension S3 = S3MockExtension.builder().silent().withSecureConnection(false).build();
    private static S3ArtifactStore store;

    @BeforeAll
    static void start() {
        S3.start();
        store = new S3ArtifactStore(properties(URI.create("http://127.0.0.1:" + S3.getHttpPort()), "artifacts-test"));
        store.prepare();
    }

    @AfterAll
    static void stop() {
        store.close();
        S3.stop();
    }

    static ArtifactProperties properties(URI endpoint, String bucket) {
        return new ArtifactProperties(endpoint, "us-east-1", bucket, "test-key", "test-secret", true, true,
                DataSize.ofKilobytes(64), Duration.ofSeconds(2), Duration.ofHours(6));
    }

    @Test
    void aFileRoundTripsByteForByteWithItsChecksum() throws Exception {
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);
        String key = Artifact.keyOf(UUID.randomUUID(), 1);

        Artifact stored = store.put(key, content, "application/octet-stream");

        assertThat(stored).isEqualTo(new Artifact(key, content.length, "application/octet-stream",
                S3ArtifactStore.sha256(content)));
        try (InputStream in = store.open(key)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aRepeatedUploadOfOneAttemptReplacesItsObject() throws Exception {
        String key = Artifact.keyOf(UUID.randomUUID(), 2);
        store.put(key, "first".getBytes(StandardCharsets.UTF_8), "text/plain");
        store.put(key, "second".getBytes(StandardCharsets.UTF_8), "text/plain");
        try (InputStream in = store.open(key)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        }
        assertThat(store.listOlderThan(Instant.now().plusSeconds(60), null, 10_000)).containsOnlyOnce(key);
    }

    @Test
    void deletedObjectsAreGoneAndMissingOnesAreIgnored() {
        UUID task = UUID.randomUUID();
        store.put(Artifact.keyOf(task, 1), new byte[] {1}, "application/octet-stream");
        store.put(Artifact.keyOf(task, 2), new byte[] {2}, "application/octet-stream");

        store.delete(List.of(Artifact.keyOf(task, 1), Artifact.keyOf(task, 2), Artifact.keyOf(task, 3)));

        assertThatThrownBy(() -> store.open(Artifact.keyOf(task, 1))).isInstanceOf(ArtifactNotFoundException.class);
        assertThat(store.listOlderThan(Instant.now().plusSeconds(60), null, 10_000))
                .doesNotContain(Artifact.keyOf(task, 1), Artifact.keyOf(task, 2));
    }

    @Test
    void onlyObjectsOlderThanTheCutoffAreListed() {
        String key = Artifact.keyOf(UUID.randomUUID(), 1);
        store.put(key, new byte[] {1}, "application/octet-stream");
        assertThat(store.listOlderThan(Instant.now().minusSeconds(3600), null, 10_000)).doesNotContain(key);
    }

    @Test
    void listingGoesOnFromACursorAndStopsAtTasksCreatedAfterTheCutoff() throws Exception {
        try (S3ArtifactStore fresh = new S3ArtifactStore(properties(URI.create("http://127.0.0.1:" + S3.getHttpPort()),
                "listing-" + UUID.randomUUID()))) {
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                keys.add(Artifact.keyOf(io.taskhive.task.TaskIds.next(), 1));
                fresh.put(keys.getLast(), new byte[] {(byte) i}, "application/octet-stream");
                Thread.sleep(2);
            }
            Instant later = Instant.now().plusSeconds(60);
            assertThat(fresh.listOlderThan(later, null, 2)).containsExactly(keys.get(0), keys.get(1));
            assertThat(fresh.listOlderThan(later, keys.get(1), 2)).containsExactly(keys.get(2), keys.get(3));
            assertThat(fresh.listOlderThan(later, keys.get(3), 2)).containsExactly(keys.get(4));
            // Objects of tasks created after the cutoff end the listing (none of theirs can be older).
            assertThat(fresh.listOlderThan(Artifact.taskCreatedAt(keys.get(2)).minusMillis(1), null, 10))
                    .doesNotContain(keys.get(2), keys.get(3), keys.get(4));
            assertThat(Artifact.taskCreatedAt("tasks/" + UUID.randomUUID() + "/1")).as("not a UUIDv7").isNull();
        }
    }

    @Test
    void aMissingBucketIsCreatedByTheFirstUpload() throws Exception {
        try (S3ArtifactStore fresh = new S3ArtifactStore(properties(URI.create("http://127.0.0.1:" + S3.getHttpPort()),
                "created-on-upload"))) {
            String key = Artifact.keyOf(UUID.randomUUID(), 1);
            fresh.put(key, new byte[] {42}, "application/octet-stream");
            try (InputStream in = fresh.open(key)) {
                assertThat(in.readAllBytes()).containsExactly(42);
            }
        }
    }

    @Test
    void anUnreachableStorageIsARetryableFailureNotAHang() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3ArtifactStore down = new S3ArtifactStore(properties(URI.create("http://127.0.0.1:" + closedPort),
                "nowhere"))) {
            down.prepare(); // logs, does not throw: a service starts without its storage
            long start = System.nanoTime();
            assertThatThrownBy(() -> down.put("tasks/x/1", new byte[] {1}, "text/plain"))
                    .isInstanceOf(ArtifactStorageException.class);
            assertThatThrownBy(() -> down.open("tasks/x/1")).isInstanceOf(ArtifactStorageException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void keysNameTheirTaskAndAttempt() {
        UUID task = UUID.randomUUID();
        assertThat(Artifact.keyOf(task, 3)).isEqualTo("tasks/" + task + "/3");
        assertThat(Artifact.taskOf(Artifact.keyOf(task, 3))).isEqualTo(task);
        assertThat(Artifact.taskOf("elsewhere/x")).isNull();
        assertThat(Artifact.taskOf("tasks/not-a-uuid/1")).isNull();
        assertThat(Artifact.keysBefore(task, 3)).containsExactly(Artifact.keyOf(task, 1), Artifact.keyOf(task, 2));
    }
}
