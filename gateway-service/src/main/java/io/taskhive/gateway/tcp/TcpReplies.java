package io.taskhive.gateway.tcp;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.transaction.TransactionException;

import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.InvalidPayloadException;
import io.taskhive.task.UnknownTaskTypeException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The native dialect's reply shapes and its stable error codes. */
final class TcpReplies {

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

    /** The same failure REST would answer with a status, as a code a script can test. */
    static ObjectNode error(RuntimeException e) {
        if (e instanceof ApiException api) {
            return error(code(api.status()), api.getMessage());
        }
        if (e instanceof UnknownTaskTypeException || e instanceof InvalidPayloadException) {
            return error("invalid_request", e.getMessage());
        }
        if (e instanceof JwtException) {
            return error("unauthorized", "the token is invalid or expired; log in again");
        }
        if (e instanceof DataAccessException || e instanceof TransactionException) {
            return error("unavailable", "the task store is unavailable; try again shortly");
        }
        return error("internal", "internal error");
    }

    static String code(HttpStatus status) {
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
