package io.taskhive.gateway.web;

import java.io.IOException;

/** Thrown by the size-limited request stream when a body grows past the limit. */
class RequestTooLargeException extends IOException {

    RequestTooLargeException(long limit) {
        super("the request body is larger than " + limit + " bytes");
    }
}
