package io.taskhive.gateway.tcp;

import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import io.taskhive.gateway.web.LimitedInputStream;
import io.taskhive.gateway.web.RequestTooLargeException;
import io.taskhive.gateway.web.StrictUtf8InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cuts a byte stream into requests with a streaming JSON parser: each request is a JSON object,
 * newline-terminated or directly followed by the next one. Never splits lines or reads fixed
 * blocks. After malformed input it skips to the next newline and goes on, so one bad line does not
 * cost the connection. Every outcome is a {@link Read}; only I/O failures of the socket throw.
 */
final class TcpRequestReader {

    /** What one read produced. */
    sealed interface Read {
    }

    record Request(JsonNode body) implements Read {
    }

    /** Not JSON, not UTF-8, or past the parser's limits (nesting depth, number or string size). */
    record Malformed(String reason) implements Read {
    }

    /** Valid JSON, but not an object. */
    record NotAnObject() implements Read {
    }

    /** A request larger than the limit: the stream cannot be trusted any more. */
    record TooLarge() implements Read {
    }

    /** Nothing arrived within the socket's timeout (possibly in the middle of a request). */
    record Idle() implements Read {
    }

    /** The client closed its side. */
    record End() implements Read {
    }

    private static final byte[] UTF8_GUARD = {' ', ' ', ' ', ' '};
    /**
     * The raw byte count of a request may exceed its size by what the parser reads ahead (blocks of
     * 8000 bytes); the exact size is checked once parsed, this only bounds the memory meanwhile.
     */
    private static final int READ_AHEAD_SLACK = 16 * 1024;
    private static final int MAX_REASON_LENGTH = 200;
    /** A parser with no more than this left in its buffer after a request is let go. */
    private static final int RELEASE_THRESHOLD = 16;

    private final ObjectReader json;
    private final int maxRequestBytes;
    private final LimitedInputStream limited;
    /** Where parsers read from; null once the stream is over or no longer trusted. */
    private Replay source;
    private JsonParser parser;
    /** {@link Replay#handedOut()} when the parser was made: its byte offsets count from there. */
    private long parserStart;
    /** How the stream ended while a bad line was skipped: reported after that line's Malformed. */
    private Read ending;

    TcpRequestReader(InputStream in, JsonMapper json, int maxRequestBytes) {
        // the parser is dropped between requests; closing it must not close the socket's stream
        this.json = json.reader().without(StreamReadFeature.AUTO_CLOSE_SOURCE);
        this.maxRequestBytes = maxRequestBytes;
        // Well-formed UTF-8 only: Jackson would read overlong forms (C0 AF as '/') without complaint.
        this.limited = new LimitedInputStream(new StrictUtf8InputStream(in), (long) maxRequestBytes + READ_AHEAD_SLACK);
        this.source = new Replay(limited);
    }

    Read next() throws IOException {
        if (ending != null) {
            Read last = ending;
            ending = new End();
            return last;
        }
        if (source == null) {
            return new End();
        }
        limited.startRequest();
        try {
            if (parser == null) {
                // An idle connection holds no parser and no buffers: wait for a byte before making one.
                int first;
                try {
                    first = source.read();
                } catch (SocketTimeoutException e) {
                    source = null;
                    return new Idle();
                } catch (CharConversionException e) {
                    skipPastNewline(); // the line starts with bytes that are not UTF-8
                    return new Malformed(e.getMessage());
                }
                if (first == -1) {
                    source = null;
                    return new End();
                }
                source.unread(new byte[] {(byte) first});
                // The protocol is UTF-8. Jackson guesses UTF-16/32 from the first four bytes of a byte
                // stream, so garbage starting with zero bytes would be decoded (or refused) as such;
                // four spaces in front make the guess UTF-8 every time, and cost the parser nothing.
                source.unread(UTF8_GUARD);
                parserStart = source.handedOut();
                parser = json.createParser(source); // reads ahead, so it may fail like a read
            }
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new End();
            }
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return new NotAnObject();
            }
            long start = parser.currentTokenLocation().getByteOffset();
            JsonNode body = parser.readValueAsTree();
            if (start >= 0 && parser.currentLocation().getByteOffset() - start > maxRequestBytes) {
                source = null;
                return new TooLarge();
            }
            long unparsed = source.handedOut() - parserStart - parser.currentLocation().getByteOffset();
            if (unparsed <= RELEASE_THRESHOLD) {
                releaseParser(); // at most a line end is left, so likely idle next: give the buffers back
            }
            return new Request(body);
        } catch (JacksonException e) {
            if (e.getCause() instanceof RequestTooLargeException) {
                source = null;
                return new TooLarge();
            }
            if (e.getCause() instanceof SocketTimeoutException) {
                source = null;
                return new Idle();
            }
            if (e.getCause() instanceof IOException io && !(io instanceof CharConversionException)) {
                throw io; // the socket failed (a CharConversionException is just more bad input)
            }
            skipPastNewline();
            return new Malformed(reason(e));
        }
    }

    private static String reason(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return message.length() <= MAX_REASON_LENGTH ? message : message.substring(0, MAX_REASON_LENGTH) + "...";
    }

    /** Hands what the parser read ahead back to the stream and lets the parser go. */
    private void releaseParser() throws IOException {
        ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        parser.releaseBuffered(buffered);
        parser.close();
        parser = null;
        source.unread(buffered.toByteArray());
        source.forgetLastBlock();
    }

    /** Drops what is left of the bad line; the next read starts after its newline. */
    private void skipPastNewline() throws IOException {
        ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        if (parser != null) {
            parser.releaseBuffered(buffered);
            parser.close();
        }
        parser = null;
        // The parser may have consumed the bad line's newline already (reading the bad token whole).
        boolean atLineStart = source.lastConsumed(buffered.size()) == '\n';
        source.unread(buffered.toByteArray());
        if (atLineStart) {
            return;
        }
        limited.startRequest();
        byte[] block = new byte[8192];
        int n;
        try {
            while ((n = readSkipping(block)) != -1) {
                for (int i = 0; i < n; i++) {
                    if (block[i] == '\n') {
                        source.unread(Arrays.copyOfRange(block, i + 1, n));
                        return;
                    }
                }
            }
            ending = new End();
        } catch (RequestTooLargeException e) {
            ending = new TooLarge();
        } catch (SocketTimeoutException e) {
            ending = new Idle();
        }
        source = null;
    }

    /** A read of the line being skipped: bytes that are not UTF-8 there are part of what is dropped. */
    private int readSkipping(byte[] block) throws IOException {
        try {
            return source.read(block, 0, block.length);
        } catch (CharConversionException e) {
            return 0; // the UTF-8 check reports once, then lets the rest of the line through
        }
    }

    /**
     * The stream with bytes a parser read ahead but did not use put back in front of it. It also
     * remembers the last block it handed out, to tell which byte the parser consumed last.
     */
    private static final class Replay extends InputStream {

        private final InputStream base;
        private byte[] pending = new byte[0];
        private int position;
        private byte[] lastBlock = new byte[0];
        private int lastBlockLength;
        private int byteBeforeLastBlock = -1;
        private long handedOut;

        Replay(InputStream base) {
            this.base = base;
        }

        boolean hasPending() {
            return position < pending.length;
        }

        /** Bytes handed out so far, in all. */
        long handedOut() {
            return handedOut;
        }

        void forgetLastBlock() {
            lastBlock = new byte[0];
            lastBlockLength = 0;
            byteBeforeLastBlock = -1;
            if (!hasPending()) {
                pending = new byte[0];
                position = 0;
            }
        }

        /** The last byte consumed, given that the last {@code unused} bytes handed out were not. */
        int lastConsumed(int unused) {
            int index = lastBlockLength - unused - 1;
            return index >= 0 ? lastBlock[index] & 0xFF : index == -1 ? byteBeforeLastBlock : -1;
        }

        private void remember(byte[] buffer, int offset, int n) {
            if (lastBlockLength > 0) {
                byteBeforeLastBlock = lastBlock[lastBlockLength - 1] & 0xFF;
            }
            if (lastBlock.length < n) {
                lastBlock = new byte[n];
            }
            System.arraycopy(buffer, offset, lastBlock, 0, n);
            lastBlockLength = n;
        }

        void unread(byte[] bytes) {
            byte[] joined = new byte[bytes.length + pending.length - position];
            System.arraycopy(bytes, 0, joined, 0, bytes.length);
            System.arraycopy(pending, position, joined, bytes.length, pending.length - position);
            pending = joined;
            position = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            if (position < pending.length) {
                n = Math.min(length, pending.length - position);
                System.arraycopy(pending, position, buffer, offset, n);
                position += n;
            } else {
                n = base.read(buffer, offset, length);
            }
            if (n > 0) {
                remember(buffer, offset, n);
                handedOut += n;
            }
            return n;
        }
    }
}
