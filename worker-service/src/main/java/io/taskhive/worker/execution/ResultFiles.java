package io.taskhive.worker.execution;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.taskhive.artifact.Artifact;
import io.taskhive.artifact.ArtifactProperties;
import io.taskhive.artifact.ArtifactStorageException;
import io.taskhive.artifact.ArtifactStore;
import io.taskhive.task.FileOutput;
import io.taskhive.task.FileResults;
import io.taskhive.task.PermanentTaskFailure;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a file a task made goes: into its result when it is at most the threshold, else to the
 * artifact store under the key of this task and attempt (a repeated upload of the same attempt
 * overwrites its own object). After the outcome is written, the objects of other attempts go: the
 * earlier attempts' (a worker killed after its upload left one) once this one won, this one's if
 * its outcome was refused (cancelled or taken over meanwhile).
 */
@Component
class ResultFiles {

    private static final Logger log = LoggerFactory.getLogger(ResultFiles.class);

    private final ArtifactStore store;
    private final long threshold;
    private final JsonMapper json;

    ResultFiles(ArtifactStore store, ArtifactProperties properties, JsonMapper json) {
        this.store = store;
        this.threshold = properties.threshold().toBytes();
        this.json = json;
    }

    /**
     * The attempt's result for this file.
     *
     * @throws ArtifactStorageException when the upload failed: the attempt fails and is retried
     * @throws PermanentTaskFailure     when the file needs a store and none is configured
     */
    AttemptEnding.Succeeded keep(UUID taskId, int attempt, FileOutput output) {
        if (output.content().length <= threshold) {
            return new AttemptEnding.Succeeded(json.writeValueAsString(FileResults.inline(output)));
        }
        if (!store.available()) {
            // The gateway refuses such payloads when it has no store either; this worker is configured
            // differently from it. Retrying here would give the same answer.
            throw new PermanentTaskFailure("the result file is " + output.content().length
                    + " bytes, above the artifact threshold of " + threshold
                    + " bytes, and this worker has no artifact storage configured");
        }
        Artifact artifact = store.put(Artifact.keyOf(taskId, attempt), output.content(), output.contentType());
        return new AttemptEnding.Succeeded(json.writeValueAsString(FileResults.stored(output, artifact)), artifact);
    }

    /** The outcome of {@code attempt} was written: no other attempt's object is kept. */
    void won(UUID taskId, int attempt, @Nullable Artifact artifact) {
        if (artifact != null && attempt > 1) {
            deleteQuietly(Artifact.keysBefore(taskId, attempt));
        }
    }

    /** The outcome of {@code attempt} was refused: its object belongs to no task. */
    void lost(@Nullable Artifact artifact) {
        if (artifact != null) {
            deleteQuietly(java.util.List.of(artifact.key()));
        }
    }

    private void deleteQuietly(java.util.List<String> keys) {
        try {
            store.delete(keys);
        } catch (ArtifactStorageException e) {
            // The orphan sweep removes them later; the outcome stands either way.
            log.warn("artifacts {} not deleted yet: {}", keys, e.getMessage());
        }
    }
}
