package io.taskhive.task;

import tools.jackson.databind.node.ObjectNode;

/**
 * A file a {@link FileTaskType} made.
 *
 * @param content     its bytes: text in UTF-8 (an inline result holds it as a JSON string)
 * @param contentType its media type, with its charset
 * @param fileName    the name a download is saved under
 * @param metadata    what the task's result says about it (counts, sizes): small, always in the row
 */
public record FileOutput(byte[] content, String contentType, String fileName, ObjectNode metadata) {
}
