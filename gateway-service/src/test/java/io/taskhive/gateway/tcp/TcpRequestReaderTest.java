package io.taskhive.gateway.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

import tools.jackson.databind.json.JsonMapper;

/** Framing of the TCP protocol, and a fuzz test that no input can make the reader misbehave. */
class TcpRequestReaderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LIMIT = 16 * 1024;
    /** Small enough that the fuzzer's inputs (4 KiB by default) reach the size limit too. */
    private static final int FUZZ_LIMIT = 1024;

    private static List<TcpRequestReader.Read> readAll(byte[] input, int maxBytes) throws IOException {
        TcpRequestReader reader = new TcpRequestReader(new ByteArrayInputStream(input), JSON, maxBytes);
        List<TcpRequestReader.Read> reads = new ArrayList<>();
        for (int i = 0; i <= input.length + 1; i++) { // each read consumes at least one byte or ends
            TcpRequestReader.Read read = reader.next();
            reads.add(read);
            if (read instanceof TcpRequestReader.End || read instanceof TcpRequestReader.TooLarge
                    || read instanceof TcpRequestReader.Idle) {
                return reads;
            }
        }
        throw new AssertionError("the reader did not reach the end of " + input.length + " bytes");
    }

    private static List<String> kinds(String input) throws IOException {
        return readAll(input.getBytes(StandardCharsets.UTF_8), LIMIT).stream()
                .map(r -> r instanceof TcpRequestReader.Request req ? req.body().toString() : r.getClass().getSimpleName())
                .toList();
    }

    @Test
    void objectsMayBeNewlineTerminatedOrBackToBack() throws IOException {
        assertThat(kinds("{\"a\":1}\n{\"b\":2}{\"c\":3}  {\"d\":4}")).containsExactly(
                "{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "{\"d\":4}", "End");
    }

    @Test
    void aBadLineIsSkippedAndReadingGoesOn() throws IOException {
        assertThat(kinds("{\"a\": oops}\n{\"b\":2}\n")).containsExactly("Malformed", "{\"b\":2}", "End");
        assertThat(kinds("[1,2]\n7\n{\"b\":2}")).containsExactly("NotAnObject", "NotAnObject", "{\"b\":2}", "End");
        assertThat(kinds("{\"unterminated\": ")).containsExactly("Malformed", "End");
    }

    @Test
    void malformedUtf8IsABadLineAndTheNextLineStillReads() throws IOException {
        byte[] overlongSlash = {(byte) 0xC0, (byte) 0xAF};
        for (byte[] bad : List.of(overlongSlash, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80,
                        (byte) 0x80}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            byte[] input = concat("{\"text\":\"a".getBytes(StandardCharsets.UTF_8), bad,
                    "b\"}\n{\"ok\":\"é\ud83d\ude00\"}\n".getBytes(StandardCharsets.UTF_8));
            List<String> reads = readAll(input, LIMIT).stream().map(r -> r instanceof TcpRequestReader.Request req
                    ? req.body().toString() : r.getClass().getSimpleName()).toList();
            assertThat(reads).as(java.util.HexFormat.of().formatHex(bad))
                    .containsExactly("Malformed", "{\"ok\":\"é\ud83d\ude00\"}", "End");
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    @Test
    void manyBadLinesInARowCostNothingButTheirReplies() throws IOException {
        String input = "nope\n".repeat(20_000) + "{\"ok\":1}";
        List<String> reads = kinds(input);
        assertThat(reads).hasSize(20_002);
        assertThat(reads.subList(20_000, 20_002)).containsExactly("{\"ok\":1}", "End");
    }

    @Test
    void aRequestPastTheLimitEndsTheStream() throws IOException {
        String big = "{\"pad\":\"" + "x".repeat(LIMIT) + "\"}";
        assertThat(kinds(big)).containsExactly("TooLarge");
        assertThat(kinds("{\"a\":1}\n" + big + "\n{\"b\":2}")).containsExactly("{\"a\":1}", "TooLarge");
    }

    @Test
    void theLimitCountsTheRequestExactlyWhateverIsReadAhead() throws IOException {
        String justUnder = "{\"pad\":\"" + "y".repeat(LIMIT - 12) + "\"}"; // LIMIT - 2 bytes
        String justOver = "{\"pad\":\"" + "z".repeat(LIMIT - 9) + "\"}"; // LIMIT + 1 bytes
        String small = "{\"s\":\"" + "s".repeat(7_000) + "\"}";
        List<String> fits = kinds(small + justUnder + "\n" + justUnder);
        assertThat(fits).hasSize(4).endsWith("End");
        assertThat(fits.subList(0, 3)).allMatch(r -> r.startsWith("{"));
        assertThat(kinds(small + justOver)).last().isEqualTo("TooLarge");
    }

    @Test
    void aBadLineThatRunsIntoTheEndOrTheLimitIsReportedAsSuch() throws IOException {
        assertThat(kinds("{\"a\": oops")).containsExactly("Malformed", "End");
        assertThat(kinds("oops " + "x".repeat(LIMIT + 40_000))).containsExactly("Malformed", "TooLarge");
    }

    @Test
    void invalidUtf8AndDeepNestingAreMalformed() throws IOException {
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n', '{', '}'};
        assertThat(readAll(badUtf8, LIMIT)).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Malformed", "Request", "End");
        assertThat(kinds("[".repeat(600) + "\n{}")).containsExactly("Malformed", "{}", "End");
    }

    @FuzzTest(maxDuration = "30s")
    void anyInputEndsInKnownOutcomes(byte[] input) throws IOException {
        for (TcpRequestReader.Read read : readAll(input, FUZZ_LIMIT)) {
            if (read instanceof TcpRequestReader.Request request) {
                assertThat(request.body().isObject()).isTrue();
            }
        }
    }
}
