package io.taskhive.task;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class PayloadsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aNulCharacterAnywhereInThePayloadIsRefused() {
        for (String payload : new String[] {"{\"text\":\"a\\u0000b\"}", "{\"a\":[1,{\"b\":[\"\\u0000\"]}]}",
                "{\"key\\u0000\":1}", "\"\\u0000\""}) {
            assertThatThrownBy(() -> Payloads.requireStorable(JSON.readTree(payload))).as(payload)
                    .isInstanceOf(InvalidPayloadException.class).hasMessageContaining("U+0000");
        }
    }

    @Test
    void anEscapedBackslashBeforeU0000IsOrdinaryText() {
        // The text is a backslash followed by "u0000", which PostgreSQL stores like any other.
        assertThatCode(() -> Payloads.requireStorable(JSON.readTree("{\"text\":\"\\\\u0000\",\"n\":[1,null,true]}")))
                .doesNotThrowAnyException();
    }
}
