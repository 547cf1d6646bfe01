package io.taskhive.gateway.web;

import org.springframework.http.HttpStatus;

/**
 * What a client is told when its request was refused before any controller saw it: by Tomcat's
 * parser and URI checks, or by Spring Security's firewall. The detail is fixed per status (it never
 * echoes the offending bytes or an exception) and says what to change.
 */
final class MalformedRequests {

    private MalformedRequests() {
    }

    static String detail(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "the request is malformed: a URL may not contain '//', '.' or '..' segments, ';', "
                    + "an encoded '/', '\\', '%' or NUL, or characters outside RFC 3986; the request line and "
                    + "headers must follow HTTP/1.1";
            case NOT_FOUND -> "there is no resource at this URL; the API is under /api (see /v3/api-docs)";
            case METHOD_NOT_ALLOWED -> "this URL does not accept that method";
            case CONTENT_TOO_LARGE -> "the request is too large";
            case URI_TOO_LONG -> "the URL is too long";
            case REQUEST_HEADER_FIELDS_TOO_LARGE -> "the request headers are too large";
            case HTTP_VERSION_NOT_SUPPORTED -> "this HTTP version is not supported; use HTTP/1.1";
            case UNAUTHORIZED -> "a valid bearer token is required (POST /api/auth/login)";
            case FORBIDDEN -> "this is not allowed";
            default -> status.is5xxServerError() ? "internal error" : status.getReasonPhrase();
        };
    }

    static HttpStatus status(int code) {
        HttpStatus status = HttpStatus.resolve(code);
        return status != null && status.isError() ? status : HttpStatus.INTERNAL_SERVER_ERROR;
    }
}
