package io.taskhive.artifact;

import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** No storage configured: nothing is kept, so nothing is ever found or deleted. */
public class NoArtifactStore implements ArtifactStore {

    static final String NOT_CONFIGURED = "no artifact storage is configured (TASKHIVE_ARTIFACTS_ENDPOINT)";

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public Artifact put(String key, byte[] content, String contentType) {
        throw new ArtifactStorageException(NOT_CONFIGURED);
    }

    @Override
    public InputStream open(String key) {
        throw new ArtifactStorageException(NOT_CONFIGURED);
    }

    @Override
    public void delete(Collection<String> keys) {
        // Nothing was stored.
    }

    @Override
    public List<String> listOlderThan(Instant before, @Nullable String startAfter,
            int limit) {
        return List.of();
    }
}
