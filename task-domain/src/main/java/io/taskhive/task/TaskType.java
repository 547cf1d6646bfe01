package io.taskhive.task;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * One kind of task: how its payload is checked (at the gateway, before anything is stored or
 * queued) and how it runs (on a worker). Adding a type is one new {@code @Component} class in
 * {@code io.taskhive.task.types}; the registry finds it.
 */
public interface TaskType {

    /** The stable key clients use, e.g. {@code uppercase}. */
    String key();

    /** The numeric code of seed 1's protocol (1..4), or 0 when the type has none. */
    default int code() {
        return 0;
    }

    /**
     * Checks a payload and returns it in its canonical form (the form that is stored and queued).
     *
     * @throws InvalidPayloadException with a message fit to show the client
     */
    JsonNode validate(@Nullable JsonNode payload);

    /**
     * Runs the task and returns its result, a JSON object. Throw {@link InterruptedException} when
     * interrupted (cancellation, timeout, shutdown); throw {@link InvalidPayloadException} for input
     * that is wrong in a way only running could reveal (never retried).
     */
    JsonNode run(JsonNode payload) throws Exception;

    /**
     * The schemas and examples of its payload and result, for the API's clients; the limits in them
     * are the ones {@link #validate} enforces (each type builds both from the same values).
     */
    TaskTypeDescription describe();

    /**
     * The payload for a plain-text request (seed 1's socket protocol sends only a text,
     * {@code contenido}); types that cannot be given as text refuse.
     */
    default JsonNode payloadFromText(String text) {
        throw new InvalidPayloadException("task type '" + key() + "' needs a JSON payload, not a text");
    }

    /**
     * True for work that computes without blocking: it runs on a pool of one platform thread per
     * core instead of a virtual thread, which would occupy a carrier thread the whole time and
     * starve the virtual threads that do I/O.
     */
    default boolean cpuBound() {
        return false;
    }

    /**
     * True for work that is a pure function of the payload and takes microseconds: no side effects,
     * no blocking, no randomness. A worker may then compute the result before it claims the task
     * and claim and record it in one statement and one commit (a result computed for a task that
     * turns out to be cancelled or done elsewhere is dropped, which is harmless only for such work).
     */
    default boolean pure() {
        return false;
    }

    /** How many attempts a task of this type gets unless the submitter says otherwise. */
    default int defaultMaxAttempts() {
        return 3;
    }

    /** How long one attempt may run before it is interrupted. */
    default Duration timeout() {
        return Duration.ofSeconds(60);
    }
}
