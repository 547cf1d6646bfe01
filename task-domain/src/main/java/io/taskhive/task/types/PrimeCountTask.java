package io.taskhive.task.types;

import java.util.BitSet;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskType;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Counts the primes below {@code {"limit": n}} with a sieve: pure CPU work whose cost is fixed by
 * its payload (about n log log n steps, n/8 bytes), for work-bound loads and the scale-out benchmark.
 * Checks for interruption as it goes, so a timeout or a cancel stops it; runs on the worker's CPU
 * pool ({@link #cpuBound()}), so it never holds the virtual threads' carriers.
 */
@Component
class PrimeCountTask implements TaskType {

    static final int MAX_LIMIT = 20_000_000;
    private static final Set<String> FIELDS = Set.of("limit");

    @Override
    public String key() {
        return "prime_count";
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        JsonNode limit = Payloads.object(payload, FIELDS).get("limit");
        if (limit == null || !limit.isIntegralNumber() || !limit.canConvertToInt() || limit.intValue() < 2
                || limit.intValue() > MAX_LIMIT) {
            throw new InvalidPayloadException("payload.limit must be a whole number from 2 to " + MAX_LIMIT);
        }
        return JsonNodeFactory.instance.objectNode().put("limit", limit.intValue());
    }

    @Override
    public JsonNode payloadFromText(String text) {
        try {
            return validate(JsonNodeFactory.instance.objectNode().put("limit", Integer.parseInt(text.trim())));
        } catch (NumberFormatException e) {
            throw new InvalidPayloadException("the limit must be a whole number from 2 to " + MAX_LIMIT);
        }
    }

    @Override
    public boolean cpuBound() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode payload) throws InterruptedException {
        int limit = payload.get("limit").intValue();
        BitSet composite = new BitSet(limit);
        int primes = 0;
        for (int candidate = 2; candidate < limit; candidate++) {
            if ((candidate & 0xFFFF) == 0 && Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (!composite.get(candidate)) {
                primes++;
                for (long multiple = (long) candidate * candidate; multiple < limit; multiple += candidate) {
                    composite.set((int) multiple);
                }
            }
        }
        return JsonNodeFactory.instance.objectNode().put("limit", limit).put("primes", primes);
    }

    @Override
    public TaskTypeDescription describe() {
        ObjectNode payload = JsonSchemas.object().required("limit",
                JsonSchemas.integer("count the primes below this", 2, MAX_LIMIT)).build();
        ObjectNode result = JsonSchemas.object().required("limit", JsonSchemas.integer("the limit"))
                .required("primes", JsonSchemas.integer("how many primes are below it")).build();
        return new TaskTypeDescription("Counts the primes below a limit: fixed CPU work, for benchmarks", payload,
                result, JsonNodeFactory.instance.objectNode().put("limit", 100_000),
                JsonNodeFactory.instance.objectNode().put("limit", 100_000).put("primes", 9_592), "100000");
    }
}
