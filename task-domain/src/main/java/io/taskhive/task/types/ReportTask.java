package io.taskhive.task.types;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.taskhive.task.FileOutput;
import io.taskhive.task.FileResults;
import io.taskhive.task.FileTaskType;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A word-frequency report of a text, as a CSV file: one row per distinct word (case-folded, stripped
 * of surrounding punctuation), most frequent first, then alphabetically, with its count, its share
 * of all words and where it first occurs. Deterministic: the same text gives the same bytes. Its
 * result holds the counts; the file is inline up to the artifact threshold, in the artifact store
 * beyond it.
 */
@Component
class ReportTask implements FileTaskType {

    /** Characters of text: a report's payload stays within the 64 KiB payload cap for ASCII text. */
    static final int MAX_TEXT_LENGTH = 60_000;
    static final String CONTENT_TYPE = "text/csv; charset=utf-8";
    static final String HEADER = "rank,word,count,share_percent,first_offset\n";
    /** Bytes of a row beyond its (quoted, doubled) word: four numbers of at most 7 characters, commas, newline. */
    private static final int ROW_OVERHEAD = 4 * 8 + 4 + 1;
    private static final Set<String> FIELDS = Set.of("text");

    @Override
    public String key() {
        return "report";
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        Payloads.text(Payloads.object(payload, FIELDS), "text", MAX_TEXT_LENGTH);
        return payload;
    }

    @Override
    public JsonNode payloadFromText(String text) {
        return validate(JsonNodeFactory.instance.objectNode().put("text", text));
    }

    @Override
    public long maxFileBytes(JsonNode payload) {
        String text = payload.get("text").stringValue();
        long words = words(text).size();
        return HEADER.length() + 2L * text.getBytes(StandardCharsets.UTF_8).length + words * (ROW_OVERHEAD + 2);
    }

    @Override
    public FileOutput produce(JsonNode payload) {
        String text = payload.get("text").stringValue();
        List<Word> words = words(text);
        Map<String, Row> rows = new HashMap<>();
        for (Word word : words) {
            rows.computeIfAbsent(word.text(), w -> new Row(w, word.offset())).count++;
        }
        List<Row> ordered = new ArrayList<>(rows.values());
        ordered.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count) : a.word.compareTo(b.word));
        StringBuilder csv = new StringBuilder(HEADER);
        int rank = 0;
        for (Row row : ordered) {
            double share = 100.0 * row.count / words.size();
            csv.append(++rank).append(',').append(csvField(row.word)).append(',').append(row.count).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", share)).append(',').append(row.firstOffset)
                    .append('\n');
        }
        byte[] content = csv.toString().getBytes(StandardCharsets.UTF_8);
        ObjectNode metadata = JsonNodeFactory.instance.objectNode()
                .put("words", words.size()).put("distinctWords", ordered.size());
        return new FileOutput(content, CONTENT_TYPE, "report.csv", metadata);
    }

    /** Words as whitespace separates them, lower-cased, without the punctuation around them; offsets in code points. */
    private static List<Word> words(String text) {
        List<Word> words = new ArrayList<>();
        int offset = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i += Character.charCount(cp);
                offset++;
                continue;
            }
            int start = i;
            int startOffset = offset;
            while (i < text.length()) {
                cp = text.codePointAt(i);
                if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    break;
                }
                i += Character.charCount(cp);
                offset++;
            }
            String token = text.substring(start, i);
            String word = strip(token);
            if (!word.isEmpty()) {
                // where the word itself starts, after any punctuation before it
                int leading = token.codePointCount(0, token.indexOf(word));
                words.add(new Word(word.toLowerCase(Locale.ROOT), startOffset + leading));
            }
        }
        return words;
    }

    private static String strip(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && !Character.isLetterOrDigit(token.codePointAt(start))) {
            start += Character.charCount(token.codePointAt(start));
        }
        while (end > start && !Character.isLetterOrDigit(token.codePointBefore(end))) {
            end -= Character.charCount(token.codePointBefore(end));
        }
        return token.substring(start, end);
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break (a word holds none of the last), quotes doubled. */
    private static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    @Override
    public TaskTypeDescription describe() {
        ObjectNode payload = JsonSchemas.object()
                .required("text", JsonSchemas.string("the text to report on", 0, MAX_TEXT_LENGTH)).build();
        ObjectNode file = JsonSchemas.object()
                .required("name", JsonSchemas.string("the file name a download is saved under"))
                .required("contentType", JsonSchemas.string("its media type: " + CONTENT_TYPE))
                .required("size", JsonSchemas.integer("its length in bytes"))
                .required("sha256", JsonSchemas.string("SHA-256 of its bytes, hex"))
                .required("stored", JsonSchemas.string("inline (in this result, as content) or artifact (in "
                        + "the artifact store; GET /api/tasks/{id}/result downloads it either way)"))
                .build();
        file.withObject("properties").set("content",
                JsonSchemas.string("the CSV itself, when stored inline"));
        ObjectNode result = JsonSchemas.object()
                .required("words", JsonSchemas.integer("how many words the text has"))
                .required("distinctWords", JsonSchemas.integer("how many rows the CSV has"))
                .required("file", file).build();
        String exampleText = "To be, or not to be";
        ObjectNode exampleResult = FileResults.inline(produce(JsonNodeFactory.instance.objectNode()
                .put("text", exampleText)));
        return new TaskTypeDescription("A word-frequency report of a text, as a CSV file (downloadable from "
                + "/api/tasks/{id}/result)", payload, result, JsonNodeFactory.instance.objectNode().put("text",
                        exampleText), exampleResult, exampleText);
    }

    private record Word(String text, int offset) {
    }

    private static final class Row {
        final String word;
        final int firstOffset;
        int count;

        Row(String word, int firstOffset) {
            this.word = word;
            this.firstOffset = firstOffset;
        }
    }
}
