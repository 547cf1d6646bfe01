package io.taskhive.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;

class TraceHeadersTest {

    private static final String A = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String B = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

    @Test
    void aSingleTaskTravelsInTheStandardHeader() {
        UUID id = UUID.randomUUID();
        MessageProperties properties = new MessageProperties();
        TraceHeaders.write(properties, List.of(id), List.of(A));

        assertThat(properties.getHeaders()).containsOnlyKeys(TraceHeaders.TRACEPARENT);
        assertThat(TraceHeaders.read(properties, List.of(id))).containsExactlyEntriesOf(java.util.Map.of(id, A));
    }

    @Test
    void eachTaskOfAGroupedMessageKeepsItsOwnTrace() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID untraced = UUID.randomUUID();
        MessageProperties properties = new MessageProperties();
        TraceHeaders.write(properties, List.of(first, second, untraced), Arrays.asList(A, B, null));

        assertThat(properties.getHeaders()).containsOnlyKeys(TraceHeaders.TRACEPARENTS);
        assertThat(TraceHeaders.read(properties, List.of(first, second, untraced)))
                .containsOnlyKeys(first, second).containsEntry(first, A).containsEntry(second, B);
    }

    @Test
    void nothingIsWrittenForTasksWithoutATrace() {
        MessageProperties properties = new MessageProperties();
        TraceHeaders.write(properties, List.of(UUID.randomUUID(), UUID.randomUUID()), Arrays.asList(null, "junk"));
        TraceHeaders.write(properties, List.of(UUID.randomUUID()), Arrays.asList((String) null));

        assertThat(properties.getHeaders()).isEmpty();
    }

    @Test
    void malformedHeadersAreIgnoredPairByPair() {
        UUID good = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        MessageProperties properties = new MessageProperties();
        properties.setHeader(TraceHeaders.TRACEPARENTS,
                "not-a-uuid=" + A + ",," + other + "=00-zz," + good + "=" + B + ",=" + A + "," + other);

        assertThat(TraceHeaders.read(properties, List.of(good, other))).containsExactlyEntriesOf(java.util.Map.of(good, B));

        MessageProperties single = new MessageProperties();
        single.setHeader(TraceHeaders.TRACEPARENT, A.toUpperCase());
        assertThat(TraceHeaders.read(single, List.of(good))).isEmpty();
    }

    @Test
    void validTraceparentsFollowW3cVersion00() {
        assertThat(TraceHeaders.isValid(A)).isTrue();
        assertThat(TraceHeaders.isValid(B)).isTrue();
        assertThat(TraceHeaders.isValid(null)).isFalse();
        assertThat(TraceHeaders.isValid(A.substring(1))).isFalse();
        assertThat(TraceHeaders.isValid("01" + A.substring(2))).isFalse();
        assertThat(TraceHeaders.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceHeaders.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
        assertThat(TraceHeaders.isValid(A.replace('-', '_'))).isFalse();
    }

    @Test
    void readsTraceIdAndSampledFlag() {
        assertThat(TraceHeaders.traceId(A)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceHeaders.sampled(A)).isTrue();
        assertThat(TraceHeaders.sampled(B)).isFalse();
        assertThat(TraceHeaders.sampled(A.substring(0, 53) + "03")).isTrue();
    }
}
