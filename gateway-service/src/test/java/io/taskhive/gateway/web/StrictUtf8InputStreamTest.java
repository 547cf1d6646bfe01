package io.taskhive.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

class StrictUtf8InputStreamTest {

    @Test
    void wellFormedTextPassesUnchanged() throws IOException {
        String text = "a\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\ud800\udc00\udbff\udfff ñ 😀\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(new StrictUtf8InputStream(new ByteArrayInputStream(bytes)), 3)).isEqualTo(bytes);
    }

    @Test
    void overlongFormsSurrogatesAndOutOfRangeCodePointsAreRefused() {
        for (String hex : new String[] {"c0af", "c1bf", "e080af", "e09fbf", "eda080", "edbfbf", "f08fbfbf",
                "f4908080", "f5808080", "ff", "fe", "80", "bf", "c2", "e282", "c220", "e28220"}) {
            byte[] bytes = HexFormat.of().parseHex("41" + hex + "42");
            assertThatThrownBy(() -> readAll(new StrictUtf8InputStream(new ByteArrayInputStream(bytes)), 64))
                    .as(hex).isInstanceOf(StrictUtf8InputStream.MalformedUtf8.class);
        }
    }

    @Test
    void theBytesBeforeABadOneAreHandedOutFirstAndTheRestOfItsLineAfter() throws IOException {
        byte[] bytes = HexFormat.of().parseHex("4142c0af43" + "0a" + "44");
        InputStream in = new StrictUtf8InputStream(new ByteArrayInputStream(bytes));
        byte[] buffer = new byte[16];
        assertThat(in.read(buffer, 0, 16)).isEqualTo(2);
        assertThatThrownBy(() -> in.read(buffer, 0, 16)).isInstanceOf(StrictUtf8InputStream.MalformedUtf8.class);
        assertThat(readAll(in, 16)).isEqualTo(HexFormat.of().parseHex("c0af430a44"));
    }

    @Test
    void afterTheBadLineEveryCharacterIsCheckedAfresh() throws IOException {
        // ED narrows the range of the byte after it; that must not outlive the bad line
        byte[] bytes = HexFormat.of().parseHex("41eda0800a" + "c3a9f09f9880e282ac0a");
        InputStream in = new StrictUtf8InputStream(new ByteArrayInputStream(bytes));
        byte[] buffer = new byte[64];
        assertThat(in.read(buffer, 0, 64)).isEqualTo(2);
        assertThatThrownBy(() -> in.read(buffer, 0, 64)).isInstanceOf(StrictUtf8InputStream.MalformedUtf8.class);
        assertThat(readAll(in, 64)).isEqualTo(HexFormat.of().parseHex("a0800a" + "c3a9f09f9880e282ac0a"));
    }

    /** Whatever the bytes and however they are read, the stream refuses exactly what the JDK's strict decoder refuses. */
    @Test
    void agreesWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(42);
        byte[] alphabet = HexFormat.of().parseHex("41 0a 7f 80 8f 90 9f a0 bf c0 c1 c2 df e0 e1 ec ed ee ef f0 f1 f3 f4 f5 ff"
                .replace(" ", ""));
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[random.nextInt(alphabet.length)];
            }
            boolean jdk = decodesStrictly(bytes);
            boolean ours;
            try {
                ours = readAll(new StrictUtf8InputStream(new ByteArrayInputStream(bytes)), 1 + random.nextInt(4)).length
                        == bytes.length;
            } catch (IOException e) {
                ours = false;
            }
            assertThat(ours).as(HexFormat.of().formatHex(bytes)).isEqualTo(jdk);
        }
    }

    private static boolean decodesStrictly(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] readAll(InputStream in, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = in.read(buffer, 0, chunk)) != -1) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
