package io.taskhive.gateway.web;

import java.io.IOException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Request bodies are read through {@link StrictUtf8InputStream}: a body that is not well-formed
 * UTF-8 fails to parse (a 400 problem) instead of being decoded leniently.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class StrictUtf8Filter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new StrictUtf8Request(request), response);
    }

    private static final class StrictUtf8Request extends HttpServletRequestWrapper {

        private ServletInputStream stream;

        StrictUtf8Request(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new StrictUtf8ServletStream(super.getInputStream());
            }
            return stream;
        }
    }

    private static final class StrictUtf8ServletStream extends ServletInputStream {

        private final ServletInputStream raw;
        private final StrictUtf8InputStream checked;

        StrictUtf8ServletStream(ServletInputStream raw) {
            this.raw = raw;
            this.checked = new StrictUtf8InputStream(raw);
        }

        @Override
        public int read() throws IOException {
            return checked.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return checked.read(buffer, offset, length);
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
