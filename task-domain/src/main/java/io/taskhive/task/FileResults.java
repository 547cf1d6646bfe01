package io.taskhive.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import io.taskhive.artifact.Artifact;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The result of a {@link FileTaskType}'s run: its metadata plus a {@code file} object that says
 * where the file is: inline ({@code stored: "inline"}, with {@code content}) or in the artifact
 * store ({@code stored: "artifact"}; the task row holds the reference).
 */
public final class FileResults {

    public static final String INLINE = "inline";
    public static final String ARTIFACT = "artifact";

    private FileResults() {
    }

    /** The file inside the result: for files up to the artifact threshold. */
    public static ObjectNode inline(FileOutput output) {
        ObjectNode result = withFile(output, INLINE, sha256(output.content()));
        ((ObjectNode) result.get("file")).put("content", new String(output.content(), StandardCharsets.UTF_8));
        return result;
    }

    /** A reference to the file kept in the artifact store. */
    public static ObjectNode stored(FileOutput output, Artifact artifact) {
        return withFile(output, ARTIFACT, artifact.sha256());
    }

    private static ObjectNode withFile(FileOutput output, String stored, String sha256) {
        ObjectNode result = output.metadata().deepCopy();
        result.putObject("file").put("name", output.fileName()).put("contentType", output.contentType())
                .put("size", output.content().length).put("sha256", sha256).put("stored", stored);
        return result;
    }

    /** The {@code file} object of a result, or null when the result holds no file. */
    public static @Nullable JsonNode file(@Nullable JsonNode result) {
        JsonNode file = result == null ? null : result.get("file");
        return file != null && file.isObject() ? file : null;
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
