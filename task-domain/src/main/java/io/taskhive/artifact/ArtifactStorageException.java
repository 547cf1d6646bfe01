package io.taskhive.artifact;

/** The artifact storage failed or could not be reached: worth trying again later. */
public class ArtifactStorageException extends RuntimeException {

    public ArtifactStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public ArtifactStorageException(String message) {
        super(message);
    }
}
