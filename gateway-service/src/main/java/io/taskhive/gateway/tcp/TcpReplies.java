package io.taskhive.gateway.tcp;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ErrorReply;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The native dialect's reply shapes and its stable error codes. */
public final class TcpReplies {

    private TcpReplies() {
    }

    static ObjectNode ok() {
        return JsonNodeFactory.instance.objectNode().put("ok", true);
    }

    static ObjectNode error(String code, String message) {
        ObjectNode reply = JsonNodeFactory.instance.objectNode().put("ok", false);
        reply.putObject("error").put("code", code).put("message", message);
        return reply;
    }

    /** The failure as REST would answer it, with a code for the status a script can test. */
    static ObjectNode error(ErrorReply failure) {
        ObjectNode reply = error(code(failure.status()), failure.detail());
        if (failure.retryAfterSeconds() != null) {
            ((ObjectNode) reply.get("error")).put("retry_after", failure.retryAfterSeconds());
        }
        return reply;
    }

    static ObjectNode error(RuntimeException e) {
        return error(ErrorReply.of(e));
    }

    public static String code(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid_request";
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not_found";
            case CONFLICT -> "conflict";
            case CONTENT_TOO_LARGE -> "too_large";
            case TOO_MANY_REQUESTS -> "rate_limited";
            case SERVICE_UNAVAILABLE -> "unavailable";
            default -> "internal";
        };
    }
}
