package io.taskhive.gateway.web;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.taskhive.gateway.GatewayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Guards request bodies before anything parses them. Size: a declared length over the limit is
 * refused before it is read (413), and a chunked body is cut off when it passes the limit, so no
 * request can make the gateway buffer unbounded input. Encoding: the body is read through
 * {@link StrictUtf8InputStream}, so one that is not well-formed UTF-8 fails to parse (400) instead
 * of being decoded leniently.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestBodyFilter extends OncePerRequestFilter {

    private final long limit;
    private final ProblemWriter problems;

    RequestBodyFilter(GatewayProperties properties, ProblemWriter problems) {
        this.limit = properties.maxRequestBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            response.setHeader("Connection", "close");
            problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE,
                    "the request body is larger than " + limit + " bytes");
            return;
        }
        chain.doFilter(new GuardedRequest(request, limit), response);
    }

    private static final class GuardedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private ServletInputStream stream;

        GuardedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream raw = super.getInputStream();
                stream = new GuardedBody(raw, new StrictUtf8InputStream(new LimitedInputStream(raw, limit)));
            }
            return stream;
        }
    }

    /** The body as the guards pass it on; the servlet container's own stream says when it is done. */
    private static final class GuardedBody extends ServletInputStream {

        private final ServletInputStream raw;
        private final InputStream guarded;

        GuardedBody(ServletInputStream raw, InputStream guarded) {
            this.raw = raw;
            this.guarded = guarded;
        }

        @Override
        public int read() throws IOException {
            return guarded.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return guarded.read(buffer, offset, length);
        }

        @Override
        public boolean isFinished() {
            return raw.isFinished();
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            raw.setReadListener(listener);
        }
    }
}
