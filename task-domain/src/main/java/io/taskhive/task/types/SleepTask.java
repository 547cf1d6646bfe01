package io.taskhive.task.types;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypesProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Seed 1's type 4: sleeps for {@code {"seconds": n}} (fractions allowed, bounded). Sleeping on a
 * virtual thread costs no platform thread, and an interrupt (cancel, timeout) ends it at once.
 */
@Component
class SleepTask implements TaskType {

    private static final Set<String> FIELDS = Set.of("seconds");

    private final int maxSeconds;

    SleepTask(TaskTypesProperties properties) {
        this.maxSeconds = properties.maxSleepSeconds();
    }

    @Override
    public String key() {
        return "sleep";
    }

    @Override
    public int code() {
        return 4;
    }

    @Override
    public JsonNode payloadFromText(String text) {
        return validate(JsonNodeFactory.instance.objectNode().put("seconds", text));
    }

    @Override
    public JsonNode validate(JsonNode payload) {
        JsonNode seconds = Payloads.object(payload, FIELDS).get("seconds");
        if (seconds == null || seconds.isNull()) {
            throw new InvalidPayloadException("payload.seconds is required");
        }
        BigDecimal value = parseSeconds(seconds);
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
            throw new InvalidPayloadException("payload.seconds must be between 0 and " + maxSeconds);
        }
        return JsonNodeFactory.instance.objectNode().put("seconds", value.stripTrailingZeros());
    }

    private static BigDecimal parseSeconds(JsonNode seconds) {
        try {
            if (seconds.isNumber()) {
                return seconds.decimalValue();
            }
            if (seconds.isString()) { // seed 1 sends the seconds as text
                String text = seconds.stringValue().trim();
                if (text.length() <= 20) {
                    return new BigDecimal(text);
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the same message
        }
        throw new InvalidPayloadException("payload.seconds must be a number");
    }

    @Override
    public JsonNode run(JsonNode payload) throws InterruptedException {
        BigDecimal seconds = payload.get("seconds").decimalValue();
        Thread.sleep(Duration.ofNanos(seconds.movePointRight(9).longValue()));
        return JsonNodeFactory.instance.objectNode().put("slept", seconds);
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(maxSeconds + 30L);
    }
}
