package io.taskhive.gateway.web;

import java.io.IOException;

/** Thrown by {@link LimitedInputStream} when a request grows past the limit. */
public class RequestTooLargeException extends IOException {

    RequestTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
