package io.taskhive.task.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.TaskType;
import io.taskhive.task.TaskTypeDescription;
import io.taskhive.task.TaskTypeRegistry;
import io.taskhive.task.TaskTypesProperties;
import io.taskhive.task.UnknownTaskTypeException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class TaskTypesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TaskTypesProperties PROPERTIES = new TaskTypesProperties(100, 10, Duration.ofMillis(1));
    private static final TaskTypeRegistry TYPES = new TaskTypeRegistry(List.of(new UppercaseTask(PROPERTIES),
            new ReverseTask(PROPERTIES), new WordCountTask(PROPERTIES), new SleepTask(PROPERTIES),
            new NamedTask(PROPERTIES), new PrimeCountTask(), new ReportTask()));

    private static JsonNode run(String type, String payload) throws Exception {
        TaskType taskType = TYPES.require(type);
        return taskType.run(taskType.validate(JSON.readTree(payload)));
    }

    @Test
    void typesAreFoundByKeyAndBySeedOneCode() {
        assertThat(TYPES.require("uppercase").key()).isEqualTo("uppercase");
        assertThat(TYPES.require("1").key()).isEqualTo("uppercase");
        assertThat(TYPES.require("2").key()).isEqualTo("reverse");
        assertThat(TYPES.require("3").key()).isEqualTo("word_count");
        assertThat(TYPES.require(" 4 ").key()).isEqualTo("sleep");
        assertThat(TYPES.require("WORD_COUNT").key()).isEqualTo("word_count");
        assertThatThrownBy(() -> TYPES.require("5")).isInstanceOf(UnknownTaskTypeException.class);
        assertThatThrownBy(() -> TYPES.require(null)).isInstanceOf(UnknownTaskTypeException.class)
                .hasMessageContaining("known types: named, prime_count, report, reverse, sleep, uppercase, word_count");
    }

    @Test
    void primeCountCountsThePrimesBelowItsLimit() throws Exception {
        assertThat(run("prime_count", "{\"limit\":100}").get("primes").intValue()).isEqualTo(25);
        assertThat(run("prime_count", "{\"limit\":2}").get("primes").intValue()).isZero();
        assertThat(run("prime_count", "{\"limit\":1000000}").get("primes").intValue()).isEqualTo(78_498);
        assertThat(TYPES.require("prime_count").cpuBound()).isTrue();
        assertThat(TYPES.require("prime_count").payloadFromText(" 30 ").get("limit").intValue()).isEqualTo(30);
        for (String bad : new String[] {"{}", "{\"limit\":1}", "{\"limit\":2.5}", "{\"limit\":\"9\"}",
                "{\"limit\":20000001}", "{\"limit\":9,\"x\":1}"}) {
            assertThatThrownBy(() -> TYPES.require("prime_count").validate(JSON.readTree(bad)))
                    .as(bad).isInstanceOf(InvalidPayloadException.class);
        }
    }

    @Test
    void textTypesComputeTheirResults() throws Exception {
        assertThat(run("uppercase", "{\"text\":\"hola mundo ñ\"}").toString()).isEqualTo("{\"text\":\"HOLA MUNDO Ñ\"}");
        assertThat(run("reverse", "{\"text\":\"a😀b\"}").get("text").stringValue()).isEqualTo("b😀a");
        assertThat(run("word_count", "{\"text\":\"  uno\u00A0dos\\n tres  \"}").get("count").intValue()).isEqualTo(3);
        assertThat(run("word_count", "{\"text\":\"\"}").get("count").intValue()).isZero();
    }

    @Test
    void reportCountsWordsIntoACsvWithinItsBound() throws Exception {
        ReportTask report = new ReportTask();
        JsonNode payload = report.validate(JsonNodeFactory.instance.objectNode()
                .put("text", "To be, or not to be: \"that\" is the QUESTION. to\u00A0\"a,b\" ¿Qué?"));

        io.taskhive.task.FileOutput file = report.produce(payload);

        assertThat(new String(file.content(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("""
                rank,word,count,share_percent,first_offset
                1,to,3,23.077,0
                2,be,2,15.385,3
                3,"a,b",1,7.692,49
                4,is,1,7.692,28
                5,not,1,7.692,10
                6,or,1,7.692,7
                7,question,1,7.692,35
                8,qué,1,7.692,55
                9,that,1,7.692,22
                10,the,1,7.692,31
                """);
        assertThat(file.contentType()).isEqualTo("text/csv; charset=utf-8");
        assertThat(file.metadata().get("words").intValue()).isEqualTo(13);
        assertThat(file.metadata().get("distinctWords").intValue()).isEqualTo(10);
        assertThat(report.produce(payload).content()).as("deterministic").isEqualTo(file.content());
        assertThat(report.maxFileBytes(payload)).isGreaterThanOrEqualTo(file.content().length);
    }

    @Test
    void reportsBoundIsAnUpperBoundEvenForManyDistinctWords() {
        ReportTask report = new ReportTask();
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < ReportTask.MAX_TEXT_LENGTH - 10; i++) {
            text.append(Integer.toString(i, 36)).append(i % 7 == 0 ? ",\" " : " ");
        }
        JsonNode payload = report.validate(JsonNodeFactory.instance.objectNode().put("text", text.toString()));
        assertThat(report.maxFileBytes(payload)).isGreaterThanOrEqualTo(report.produce(payload).content().length);
    }

    @Test
    void sleepAcceptsNumbersAndNumericTextWithinItsBound() throws Exception {
        assertThat(TYPES.require("sleep").validate(JSON.readTree("{\"seconds\":\"0.010\"}")).toString())
                .isEqualTo("{\"seconds\":0.01}");
        assertThat(run("sleep", "{\"seconds\":0.01}").get("slept").doubleValue()).isEqualTo(0.01);
        for (String bad : List.of("{\"seconds\":11}", "{\"seconds\":-1}", "{\"seconds\":\"x\"}", "{\"seconds\":null}",
                "{}", "{\"seconds\":true}", "{\"seconds\":\"1e999999999\"}")) {
            assertThatThrownBy(() -> TYPES.require("sleep").validate(JSON.readTree(bad))).as(bad)
                    .isInstanceOf(InvalidPayloadException.class);
        }
    }

    @Test
    void sleepStopsWhenInterrupted() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> run("sleep", "{\"seconds\":5}")).isInstanceOf(InterruptedException.class);
    }

    @Test
    void payloadsAreCheckedStrictly() {
        for (String bad : List.of("null", "[]", "\"text\"", "{\"text\":1}", "{\"text\":\"x\",\"extra\":1}",
                "{\"text\":\"" + "x".repeat(101) + "\"}")) {
            assertThatThrownBy(() -> TYPES.require("uppercase").validate(JSON.readTree(bad))).as(bad)
                    .isInstanceOf(InvalidPayloadException.class);
        }
        assertThatThrownBy(() -> TYPES.require("named").validate(JSON.readTree("{\"name\":\"  \"}")))
                .isInstanceOf(InvalidPayloadException.class);
    }

    /**
     * Each type's published description agrees with what it does: its examples are accepted and run
     * to the example result, and every limit its payload schema states is exactly where validation
     * starts refusing (so a client that follows the OpenAPI document is never refused, and a value
     * the document rules out is never accepted).
     */
    @Test
    void everyTypeDescribesItselfAsItValidatesAndRuns() throws Exception {
        for (TaskType type : TYPES.all()) {
            TaskTypeDescription description = type.describe();
            String key = type.key();
            assertThat(type.validate(description.examplePayload().deepCopy())).as(key)
                    .isEqualTo(description.examplePayload());
            if (!key.equals("sleep") && !key.equals("named")) { // these two take their time, not a result
                assertThat(type.run(description.examplePayload())).as(key).isEqualTo(description.exampleResult());
            }
            assertThat(description.acceptsContent()).isTrue();
            assertThat(type.validate(type.payloadFromText(description.exampleContent()))).as(key).isNotNull();

            ObjectNode schema = description.payloadSchema();
            assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
            assertThatThrownBy(() -> type.validate(((ObjectNode) description.examplePayload().deepCopy())
                    .put("unknownField", 1)))
                    .as(key).isInstanceOf(InvalidPayloadException.class);
            for (JsonNode required : schema.get("required")) {
                ObjectNode without = (ObjectNode) description.examplePayload().deepCopy();
                without.remove(required.stringValue());
                assertThatThrownBy(() -> type.validate(without)).as(key + " without " + required)
                        .isInstanceOf(InvalidPayloadException.class);
            }
            for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
                JsonNode field = property.getValue().has("oneOf") ? property.getValue().get("oneOf").get(0)
                        : property.getValue();
                checkBounds(type, description, property.getKey(), field);
            }
        }
    }

    private static void checkBounds(TaskType type, TaskTypeDescription description, String field, JsonNode schema) {
        String what = type.key() + "." + field;
        java.util.function.Function<JsonNode, ObjectNode> with = value -> {
            ObjectNode payload = (ObjectNode) description.examplePayload().deepCopy();
            payload.set(field, value);
            return payload;
        };
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (schema.has("maxLength")) {
            int max = schema.get("maxLength").intValue();
            // code points, as JSON Schema counts them: an emoji is one character, two UTF-16 units
            assertThat(type.validate(with.apply(nodes.stringNode("x" + "\uD83D\uDE00".repeat(max - 1))))).as(what)
                    .isNotNull();
            assertThatThrownBy(() -> type.validate(with.apply(nodes.stringNode("x".repeat(max + 1))))).as(what)
                    .isInstanceOf(InvalidPayloadException.class);
        }
        if (schema.has("minimum")) {
            java.math.BigDecimal min = schema.get("minimum").decimalValue();
            java.math.BigDecimal max = schema.get("maximum").decimalValue();
            boolean integer = schema.get("type").stringValue().equals("integer");
            java.util.function.Function<java.math.BigDecimal, JsonNode> number = value -> integer
                    ? nodes.numberNode(value.toBigIntegerExact()) : nodes.numberNode(value);
            assertThat(type.validate(with.apply(number.apply(min)))).as(what).isNotNull();
            assertThat(type.validate(with.apply(number.apply(max)))).as(what).isNotNull();
            java.math.BigDecimal step = integer ? java.math.BigDecimal.ONE : new java.math.BigDecimal("0.001");
            assertThatThrownBy(() -> type.validate(with.apply(number.apply(min.subtract(step))))).as(what)
                    .isInstanceOf(InvalidPayloadException.class);
            assertThatThrownBy(() -> type.validate(with.apply(number.apply(max.add(step))))).as(what)
                    .isInstanceOf(InvalidPayloadException.class);
        }
    }
}
