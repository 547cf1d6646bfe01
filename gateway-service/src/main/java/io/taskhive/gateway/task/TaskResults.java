package io.taskhive.gateway.task;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.taskhive.artifact.ArtifactNotFoundException;
import io.taskhive.artifact.ArtifactStorageException;
import io.taskhive.artifact.ArtifactStore;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.FileResults;
import io.taskhive.task.Task;
import io.taskhive.task.store.TaskFinder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's result file, for download: streamed from the artifact store (or from the result, when it
 * is small enough to be kept there), never through a presigned URL, so that every download passes
 * the same owner check as the task itself and clients need no route to the storage service.
 */
@Service
public class TaskResults {

    private final TaskFinder tasks;
    private final ArtifactStore store;
    private final JsonMapper json;

    TaskResults(TaskFinder tasks, ArtifactStore store, JsonMapper json) {
        this.tasks = tasks;
        this.store = store;
        this.json = json;
    }

    /**
     * An open download; the caller closes {@code body}.
     *
     * @param sha256 hex, as the task's view shows it
     */
    public record Download(InputStream body, long length, String contentType, String fileName, String sha256) {
    }

    /**
     * The file of one of the caller's tasks (an admin's: of any task). Another user's task, a task
     * with no file (yet) and a file already deleted are all "not found".
     */
    public Download open(CurrentUser caller, UUID id) {
        Task task = (caller.admin() ? tasks.find(id) : tasks.findOwned(id, caller.id()))
                .orElseThrow(() -> new TaskNotFoundException(id));
        JsonNode result = task.result() == null ? null : json.readTree(task.result());
        JsonNode file = FileResults.file(result);
        String fileName = file == null ? "result" : file.path("name").asString("result");
        if (task.artifact() != null) {
            try {
                return new Download(store.open(task.artifact().key()), task.artifact().size(),
                        task.artifact().contentType(), fileName, task.artifact().sha256());
            } catch (ArtifactNotFoundException e) {
                throw new ApiException(HttpStatus.NOT_FOUND, "the result file of task " + id + " is gone");
            } catch (ArtifactStorageException e) {
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
                        "the artifact storage is unavailable; try again shortly");
            }
        }
        if (file != null && file.path("content").isString()) {
            byte[] content = file.path("content").stringValue().getBytes(StandardCharsets.UTF_8);
            return new Download(new ByteArrayInputStream(content), content.length,
                    file.path("contentType").asString("application/octet-stream"), fileName,
                    file.path("sha256").asString(""));
        }
        throw new ApiException(HttpStatus.NOT_FOUND, "task " + id + " (" + task.status()
                + ") has no result file" + (task.status().isFinal() ? "" : " yet"));
    }
}
