package io.taskhive.gateway.tcp;

import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
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

    private final JsonMapper json;
    private final RequestLimit limited;
    /** Where parsers read from; null once the stream is over or no longer trusted. */
    private Replay source;
    private JsonParser parser;

    TcpRequestReader(InputStream in, JsonMapper json, int maxRequestBytes) {
        this.json = json;
        this.limited = new RequestLimit(in, maxRequestBytes);
        this.source = new Replay(limited);
    }

    Read next() throws IOException {
        if (source == null) {
            return new End();
        }
        limited.startRequest();
        try {
            if (parser == null) {
                // The protocol is UTF-8. Jackson guesses UTF-16/32 from the first four bytes of a byte
                // stream, so garbage starting with zero bytes would be decoded (or refused) as such;
                // four spaces in front make the guess UTF-8 every time, and cost the parser nothing.
                source.unread(UTF8_GUARD);
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
            return new Request(parser.readValueAsTree());
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
            return new Malformed(e.getOriginalMessage());
        }
    }

    /** Drops what is left of the bad line; the next read starts after its newline. */
    private void skipPastNewline() throws IOException {
        ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        if (parser != null) {
            parser.releaseBuffered(buffered);
        }
        parser = null;
        // The parser may have consumed the bad line's newline already (reading the bad token whole).
        boolean atLineStart = source.lastConsumed(buffered.size()) == '\n';
        source.unread(buffered.toByteArray());
        if (atLineStart) {
            return;
        }
        limited.startRequest();
        int b;
        try {
            while ((b = source.read()) != -1) {
                if (b == '\n') {
                    return;
                }
            }
        } catch (RequestTooLargeException | SocketTimeoutException e) {
            // a bad line that never ends is as good as the end
        }
        source = null;
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

        Replay(InputStream base) {
            this.base = base;
        }

        /** The last byte consumed, given that the last {@code unused} bytes handed out were not. */
        int lastConsumed(int unused) {
            int index = lastBlockLength - unused - 1;
            return index >= 0 ? lastBlock[index] & 0xFF : index == -1 ? byteBeforeLastBlock : -1;
        }

        private void handedOut(byte[] buffer, int offset, int n) {
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
                handedOut(buffer, offset, n);
            }
            return n;
        }
    }

    /** Counts the bytes of the request being read and refuses to read past the limit. */
    private static final class RequestLimit extends FilterInputStream {

        private final long limit;
        private long read;

        RequestLimit(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        void startRequest() {
            read = 0;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new RequestTooLargeException();
            }
        }
    }

    static final class RequestTooLargeException extends IOException {
        RequestTooLargeException() {
            super("request too large");
        }
    }
}
