package io.taskhive.gateway.web;

import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Passes bytes through only while they are well-formed UTF-8 (Unicode's table 3-7): no overlong
 * forms such as {@code C0 AF} for '/', no surrogates, nothing above U+10FFFF, no stray or missing
 * continuation bytes. Jackson's UTF-8 decoder accepts overlong forms, so a '/' or a quote could be
 * smuggled past any check made on the bytes; this refuses them before the parser sees them.
 *
 * <p>The bytes before a bad one are handed out first; the next read throws {@link MalformedUtf8}
 * (a {@link CharConversionException}, which parsers report as bad input, not as a broken stream).
 * After that the stream passes the rest of the line unchecked, up to and including its newline,
 * since a line-oriented reader discards it anyway, and then checks again.
 */
public final class StrictUtf8InputStream extends FilterInputStream {

    /** The input is not well-formed UTF-8. */
    public static final class MalformedUtf8 extends CharConversionException {
        MalformedUtf8(String message) {
            super(message);
        }
    }

    private int continuations;
    private int lower = 0x80;
    private int upper = 0xBF;
    private boolean resyncing;
    private MalformedUtf8 pending;
    private byte[] held = new byte[0];
    private int heldFrom;

    public StrictUtf8InputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (pending != null) {
            MalformedUtf8 error = pending;
            pending = null;
            resyncing = true;
            throw error;
        }
        if (length == 0) {
            return 0;
        }
        int n;
        if (heldFrom < held.length) {
            n = Math.min(length, held.length - heldFrom);
            System.arraycopy(held, heldFrom, buffer, offset, n);
            heldFrom += n;
        } else {
            n = in.read(buffer, offset, length);
            if (n < 0) {
                if (continuations > 0 && !resyncing) {
                    continuations = 0;
                    resyncing = true;
                    throw new MalformedUtf8("malformed UTF-8: the input ends inside a character");
                }
                return n;
            }
        }
        int bad = check(buffer, offset, n);
        if (bad < 0) {
            return n;
        }
        // keep the bad byte and what follows it for the next reads, after the error
        byte[] rest = Arrays.copyOfRange(buffer, bad, offset + n);
        byte[] stillHeld = Arrays.copyOfRange(held, heldFrom, held.length);
        held = new byte[rest.length + stillHeld.length];
        System.arraycopy(rest, 0, held, 0, rest.length);
        System.arraycopy(stillHeld, 0, held, rest.length, stillHeld.length);
        heldFrom = 0;
        MalformedUtf8 error = new MalformedUtf8("malformed UTF-8 (byte 0x"
                + Integer.toHexString(buffer[bad] & 0xFF).toUpperCase() + " where it cannot stand)");
        if (bad > offset) {
            pending = error;
            return bad - offset;
        }
        resyncing = true;
        throw error;
    }

    /** Index of the first byte that breaks UTF-8, or -1. */
    private int check(byte[] buffer, int offset, int n) {
        for (int i = offset; i < offset + n; i++) {
            int b = buffer[i] & 0xFF;
            if (resyncing) {
                if (b == '\n') {
                    resyncing = false;
                    continuations = 0;
                }
                continue;
            }
            if (continuations > 0) {
                if (b < lower || b > upper) {
                    continuations = 0;
                    return i;
                }
                continuations--;
                lower = 0x80;
                upper = 0xBF;
            } else if (b >= 0x80 && !lead(b)) {
                return i;
            }
        }
        return -1;
    }

    /** Starts a multi-byte character: how many continuation bytes follow and the range of the first. */
    private boolean lead(int b) {
        lower = 0x80;
        upper = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            continuations = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            continuations = 2;
            lower = b == 0xE0 ? 0xA0 : 0x80;
            upper = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            continuations = 3;
            lower = b == 0xF0 ? 0x90 : 0x80;
            upper = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        return true;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(8192, Math.max(0, n))];
        int read = discard.length == 0 ? 0 : read(discard, 0, discard.length);
        return Math.max(read, 0);
    }

    @Override
    public int available() throws IOException {
        return held.length - heldFrom + (pending == null ? in.available() : 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
