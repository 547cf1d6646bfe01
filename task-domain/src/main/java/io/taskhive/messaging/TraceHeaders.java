package io.taskhive.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.amqp.core.MessageProperties;

/**
 * The W3C trace context of each task in a task message's headers. A message of one task carries it
 * as the standard {@value #TRACEPARENT} header; a message of several tasks (each belongs to the
 * trace of its own submission) carries {@value #TRACEPARENTS}: {@code taskId=traceparent} pairs
 * separated by commas, for the tasks that have one. Anything malformed is ignored, never trusted:
 * a task without a valid trace context simply starts a trace of its own on the worker.
 */
public final class TraceHeaders {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACEPARENTS = "taskhive-traceparents";
    /** version 00: "00-" + 32 hex trace id + "-" + 16 hex span id + "-" + 2 hex flags */
    static final int TRACEPARENT_LENGTH = 55;

    private TraceHeaders() {
    }

    /**
     * Puts the trace contexts of a message's tasks in its headers: {@code traceparents.get(i)} is
     * task {@code taskIds.get(i)}'s (null or invalid: none).
     */
    public static void write(MessageProperties properties, List<UUID> taskIds, List<String> traceparents) {
        if (taskIds.size() == 1) {
            String traceparent = traceparents.getFirst();
            if (isValid(traceparent)) {
                properties.setHeader(TRACEPARENT, traceparent);
            }
            return;
        }
        StringBuilder pairs = new StringBuilder(taskIds.size() * 93);
        for (int i = 0; i < taskIds.size(); i++) {
            String traceparent = traceparents.get(i);
            if (isValid(traceparent)) {
                pairs.append(pairs.isEmpty() ? "" : ",").append(taskIds.get(i)).append('=').append(traceparent);
            }
        }
        if (!pairs.isEmpty()) {
            properties.setHeader(TRACEPARENTS, pairs.toString());
        }
    }

    /**
     * The trace contexts of a message's tasks, by task id; {@code taskIds} are the tasks the
     * message carries (a single one takes the standard header).
     */
    public static Map<UUID, String> read(MessageProperties properties, List<UUID> taskIds) {
        if (taskIds.size() == 1) {
            String traceparent = header(properties, TRACEPARENT);
            return isValid(traceparent) ? Map.of(taskIds.getFirst(), traceparent) : Map.of();
        }
        String pairs = header(properties, TRACEPARENTS);
        if (pairs == null || pairs.isEmpty()) {
            return Map.of();
        }
        Map<UUID, String> contexts = new HashMap<>(taskIds.size() * 2);
        int start = 0;
        while (start < pairs.length()) {
            int end = pairs.indexOf(',', start);
            if (end < 0) {
                end = pairs.length();
            }
            int equals = pairs.indexOf('=', start);
            if (equals > start && equals < end) {
                String traceparent = pairs.substring(equals + 1, end);
                UUID taskId = parseId(pairs.substring(start, equals));
                if (taskId != null && isValid(traceparent)) {
                    contexts.put(taskId, traceparent);
                }
            }
            start = end + 1;
        }
        return contexts;
    }

    /** A version-00 traceparent with lower-case hex ids, neither of them all zeros. */
    public static boolean isValid(String traceparent) {
        if (traceparent == null || traceparent.length() != TRACEPARENT_LENGTH || !traceparent.startsWith("00-")
                || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
            return false;
        }
        return hex(traceparent, 3, 35) && hex(traceparent, 36, 52) && hex(traceparent, 53, 55)
                && !zeros(traceparent, 3, 35) && !zeros(traceparent, 36, 52);
    }

    /** The trace id of a valid traceparent. */
    public static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }

    /** Whether a valid traceparent's flags say its trace is sampled (recorded). */
    public static boolean sampled(String traceparent) {
        return (Character.digit(traceparent.charAt(54), 16) & 1) == 1;
    }

    private static String header(MessageProperties properties, String name) {
        Object value = properties.getHeader(name);
        return value == null ? null : value.toString();
    }

    private static UUID parseId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean hex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
