package io.taskhive.artifact;

/** No object under the key asked for (deleted, or never stored). */
public class ArtifactNotFoundException extends RuntimeException {

    public ArtifactNotFoundException(String key) {
        super("no artifact " + key);
    }
}
