package io.taskhive.gateway.web;

import java.time.Duration;

import org.springframework.http.HttpStatus;

/**
 * A refusal the client should see as a problem response with this status and detail. Feature
 * packages subclass it with names from the domain (a taken username, a task that is not there).
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final Duration retryAfter;

    public ApiException(HttpStatus status, String detail) {
        this(status, detail, null);
    }

    public ApiException(HttpStatus status, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public HttpStatus status() {
        return status;
    }

    /** For 429 and 503: when to try again, sent as {@code Retry-After}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
