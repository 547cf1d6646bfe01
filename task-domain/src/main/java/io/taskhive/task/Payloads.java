package io.taskhive.task;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/** The checks task types share when they validate a payload. */
public final class Payloads {

    private Payloads() {
    }

    /** The payload must be a JSON object whose fields are all among {@code allowed}. */
    public static JsonNode object(@Nullable JsonNode payload, Set<String> allowed) {
        if (payload == null || payload.isNull() || payload.isMissingNode()) {
            throw new InvalidPayloadException("payload is required: an object with " + describe(allowed));
        }
        if (!payload.isObject()) {
            throw new InvalidPayloadException("payload must be a JSON object with " + describe(allowed));
        }
        for (String name : payload.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new InvalidPayloadException("payload has an unknown field '" + name + "'; expected "
                        + describe(allowed));
            }
        }
        return payload;
    }

    /**
     * A required string field of at most {@code maxLength} characters, counted as Unicode code points
     * (as JSON Schema's {@code maxLength} counts them, so the published limit is the enforced one).
     */
    public static String text(JsonNode payload, String field, int maxLength) {
        JsonNode node = payload.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidPayloadException("payload." + field + " is required");
        }
        if (!node.isString()) {
            throw new InvalidPayloadException("payload." + field + " must be a string");
        }
        String value = node.stringValue();
        if (value.length() > maxLength && value.codePointCount(0, value.length()) > maxLength) {
            throw new InvalidPayloadException("payload." + field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    /**
     * PostgreSQL's jsonb (and text) cannot hold the character U+0000: refused here, in any string
     * or field name, rather than failing the statement that would store it along with others.
     */
    public static void requireStorable(JsonNode payload) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(payload);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isString() && node.stringValue().indexOf('\u0000') >= 0) {
                throw new InvalidPayloadException("payload must not contain the character U+0000");
            }
            if (node.isObject()) {
                for (String name : node.propertyNames()) {
                    if (name.indexOf('\u0000') >= 0) {
                        throw new InvalidPayloadException("payload must not contain the character U+0000");
                    }
                }
            }
            node.forEach(pending::push);
        }
    }

    private static String describe(Set<String> allowed) {
        return "field(s) " + String.join(", ", new java.util.TreeSet<>(allowed));
    }
}
