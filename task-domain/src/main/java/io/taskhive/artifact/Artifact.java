package io.taskhive.artifact;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;

/**
 * Where a task's result file is kept and what it is: the reference its task row holds.
 *
 * @param key         the object's key in the bucket, {@link #keyOf}
 * @param size        its length in bytes
 * @param contentType its media type, e.g. {@code text/csv; charset=utf-8}
 * @param sha256      the SHA-256 of its bytes, lower-case hex: what a download can be checked against
 */
public record Artifact(String key, long size, String contentType, String sha256) {

    private static final String PREFIX = "tasks/";

    /**
     * The key of the file an attempt of a task stores: derived from both, so a repeated upload by
     * the same attempt overwrites its own object and two attempts never share one (the loser's is
     * deleted by name, see {@link #keysBefore}).
     */
    public static String keyOf(UUID taskId, int attempt) {
        return PREFIX + taskId + "/" + attempt;
    }

    /** The keys the attempts before {@code attempt} would have used. */
    public static List<String> keysBefore(UUID taskId, int attempt) {
        return IntStream.range(1, attempt).mapToObj(a -> keyOf(taskId, a)).toList();
    }

    /** The task a key belongs to, or null for an object this system did not name. */
    public static @Nullable UUID taskOf(String key) {
        if (!key.startsWith(PREFIX)) {
            return null;
        }
        int slash = key.indexOf('/', PREFIX.length());
        try {
            return UUID.fromString(key.substring(PREFIX.length(), slash < 0 ? key.length() : slash));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * When the task of a key was created, from its UUIDv7 id (the first 48 bits are milliseconds
     * since the epoch); null for a key with another kind of id.
     */
    public static @Nullable Instant taskCreatedAt(String key) {
        UUID task = taskOf(key);
        return task == null || task.version() != 7 ? null
                : Instant.ofEpochMilli(task.getMostSignificantBits() >>> 16);
    }

    /** The prefix under which every artifact of this system lives. */
    public static String prefix() {
        return PREFIX;
    }
}
