package io.taskhive.artifact;

import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Keeps result files. One implementation talks to S3-compatible storage ({@link S3ArtifactStore});
 * without storage configured, {@link NoArtifactStore} refuses to keep anything, and task types whose
 * results could need it are refused at submission.
 */
public interface ArtifactStore {

    /** Whether files can be kept at all. */
    boolean available();

    /**
     * Stores {@code content} under {@code key}, replacing what was there (a repeated upload of one
     * attempt), and returns its reference with its checksum.
     *
     * @throws ArtifactStorageException if the storage did not take it (a retryable failure)
     */
    Artifact put(String key, byte[] content, String contentType);

    /**
     * Opens a stored file for reading; the caller closes the stream.
     *
     * @throws ArtifactNotFoundException if there is no such object
     * @throws ArtifactStorageException  if the storage cannot be reached
     */
    InputStream open(String key);

    /** Deletes these objects; keys with no object are ignored. */
    void delete(Collection<String> keys);

    /**
     * Up to {@code limit} objects under {@link Artifact#prefix()} last modified before {@code before},
     * in key order from after {@code startAfter} (null: from the first). Keys name their task, whose
     * UUIDv7 id starts with its creation time, so the listing stops at the first task created after
     * {@code before}: no later object can be older.
     */
    List<String> listOlderThan(Instant before, @Nullable String startAfter, int limit);
}
