package io.taskhive.task.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.Payloads;
import io.taskhive.task.TaskType;
import io.taskhive.task.JsonSchemas;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypesProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 1's type 4: sleeps for {@code {"seconds": n}} (fractions allowed, kept to the millisecond,
 * bounded). Sleeping on a
 * virtual thread costs no platform thread, and an interrupt (cancel, timeout) ends it at once.
 */
@Component
class SleepTask implements TaskType {

    private static final Set<String> FIELDS = Set.of("seconds");
    /** Seed 1 sends the seconds as a text: a decimal number, surrounded by blanks at most. */
    private static final int MAX_SECONDS_TEXT = 20;
    private static final String SECONDS_TEXT_PATTERN = "^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$";

    private static final BigDecimal HALF_A_MILLISECOND = new BigDecimal("0.0005");

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
        // compareTo looks at the exponents first, so even 1e-2000000000 is compared at once.
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
            throw new InvalidPayloadException("payload.seconds must be between 0 and " + maxSeconds);
        }
        return JsonNodeFactory.instance.objectNode().put("seconds", toMilliseconds(value));
    }

    /**
     * The canonical form: whole milliseconds, the precision a sleep has anyway. Whatever the client
     * wrote (1e-20000, 0.30000000000000004, 2.50) is stored as a short plain number that PostgreSQL's
     * jsonb can hold and every client can read; less than half a millisecond is 0.
     */
    private static BigDecimal toMilliseconds(BigDecimal seconds) {
        if (seconds.compareTo(HALF_A_MILLISECOND) < 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal rounded = seconds.setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    private static BigDecimal parseSeconds(JsonNode seconds) {
        try {
            if (seconds.isNumber()) {
                return seconds.decimalValue();
            }
            if (seconds.isString()) { // seed 1 sends the seconds as text
                String text = seconds.stringValue().trim();
                if (text.length() <= MAX_SECONDS_TEXT) {
                    return new BigDecimal(text);
                }
            }
        } catch (RuntimeException e) {
            // Infinity (1e309 read as a double), NaN, or no number at all: the same message
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

    @Override
    public TaskTypeDescription describe() {
        BigDecimal max = BigDecimal.valueOf(maxSeconds);
        ObjectNode payload = JsonSchemas.object().required("seconds", JsonSchemas.oneOf("how long to sleep",
                JsonSchemas.number("seconds, fractions allowed", BigDecimal.ZERO, max),
                JsonSchemas.string("the seconds as a decimal text, as seed 1 sends them (the same range)", 1,
                        MAX_SECONDS_TEXT).put("pattern", SECONDS_TEXT_PATTERN)))
                .build();
        ObjectNode result = JsonSchemas.object()
                .required("slept", JsonSchemas.number("the seconds slept", BigDecimal.ZERO, max)).build();
        ObjectNode example = JsonNodeFactory.instance.objectNode().put("seconds", new BigDecimal("1.5"));
        return new TaskTypeDescription("Sleeps for the given seconds (at most " + maxSeconds + ")", payload, result,
                example, JsonNodeFactory.instance.objectNode().put("slept", new BigDecimal("1.5")), "2");
    }
}
