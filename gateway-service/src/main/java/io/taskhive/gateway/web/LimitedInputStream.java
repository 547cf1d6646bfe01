package io.taskhive.gateway.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read and refuses to read past a limit ({@link RequestTooLargeException}), so no
 * request, HTTP body or TCP line, can make the gateway buffer unbounded input. A connection that
 * carries several requests starts each one's count afresh with {@link #startRequest()}.
 */
public final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long read;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** The next bytes belong to a new request. */
    public void startRequest() {
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

    /** Skipped bytes count too: read, not skipped underneath. */
    @Override
    public long skip(long n) throws IOException {
        return n <= 0 ? 0 : Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
    }

    private void count(int n) throws IOException {
        read += n;
        if (read > limit) {
            throw new RequestTooLargeException(limit);
        }
    }
}
