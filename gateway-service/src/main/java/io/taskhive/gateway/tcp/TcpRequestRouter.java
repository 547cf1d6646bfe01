package io.taskhive.gateway.tcp;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.tcp.legacy.Seed1Protocol;
import io.taskhive.gateway.tcp.legacy.Seed2Protocol;
import io.taskhive.gateway.web.ErrorReply;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tells the three dialects apart by their fields and hands each request to its protocol:
 * {@code action} get_tasks/new_task is seed 2's, any other {@code action} is native (register and
 * login answer in both vocabularies, since seed 2 uses them too), and {@code tipo}/{@code type}
 * without an action is seed 1's. A failure is answered in the request's own dialect, and a
 * request's {@code id} is echoed in its reply.
 */
@Component
public class TcpRequestRouter {

    private static final Logger log = LoggerFactory.getLogger(TcpRequestRouter.class);
    private static final Set<String> SEED2_ACTIONS = Set.of("get_tasks", "new_task");
    /** Native actions seed 2's clients also send; their replies carry seed 2's {@code status} too. */
    private static final Set<String> SHARED_ACTIONS = Set.of("register", "login");

    private enum Dialect { NATIVE, SEED1, SEED2, UNKNOWN }

    private final NativeProtocol nativeProtocol;
    private final Seed2Protocol seed2;
    private final Seed1Protocol seed1;
    private final JwtDecoder tokens;

    TcpRequestRouter(NativeProtocol nativeProtocol, Seed2Protocol seed2, Seed1Protocol seed1, JwtDecoder tokens) {
        this.nativeProtocol = nativeProtocol;
        this.seed2 = seed2;
        this.seed1 = seed1;
        this.tokens = tokens;
    }

    /** The reply to one request; it completes normally, with an error reply if the request failed. */
    CompletableFuture<JsonNode> handle(TcpConnection connection, JsonNode request) {
        String action = action(request);
        Dialect dialect = action != null ? (SEED2_ACTIONS.contains(action) ? Dialect.SEED2 : Dialect.NATIVE)
                : request.has("tipo") || request.has("type") ? Dialect.SEED1 : Dialect.UNKNOWN;
        CompletableFuture<JsonNode> reply;
        try {
            CurrentUser caller = caller(connection, request);
            reply = switch (dialect) {
                case NATIVE -> nativeProtocol.handle(connection, caller, action, request);
                case SEED2 -> CompletableFuture.completedFuture(seed2.handle(caller, action, request));
                case SEED1 -> seed1.handle(caller, request);
                case UNKNOWN -> CompletableFuture.completedFuture(TcpReplies.error("invalid_request",
                        "unknown request: send {\"action\": ...} (register, login, submit, get, list, result, cancel, "
                                + "subscribe, quotas, ping) or a seed-1 task {\"tipo\": 1..4, \"contenido\": ...}"));
            };
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.exceptionally(e -> failed(dialect, action, e)).thenApply(answer -> {
            if (answer instanceof ObjectNode object && request.has("id")) {
                object.set("id", request.get("id"));
            }
            return answer;
        });
    }

    /** A failure, answered in the request's own dialect. */
    private static JsonNode failed(Dialect dialect, String action, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        ErrorReply failure = classify(cause instanceof RuntimeException runtime ? runtime
                : new IllegalStateException(cause));
        return switch (dialect) {
            case SEED2 -> Seed2Protocol.failed(failure);
            case SEED1 -> Seed1Protocol.failed(failure);
            default -> SHARED_ACTIONS.contains(action) ? TcpReplies.error(failure).put("status", "error")
                    : TcpReplies.error(failure);
        };
    }

    private static String action(JsonNode request) {
        JsonNode action = request.get("action");
        if (action == null) {
            return null;
        }
        return action.isString() ? action.stringValue() : "";
    }

    /** As REST classifies it; what was unexpected is logged in full here, and told nobody. */
    static ErrorReply classify(RuntimeException e) {
        ErrorReply failure = ErrorReply.of(e);
        if (failure.unexpected()) {
            log.error("TCP request failed", e);
        } else if (failure.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            log.warn("TCP request refused, unavailable: {}", e.getMessage());
        }
        return failure;
    }

    /**
     * A {@code token} on a request authenticates the connection from then on (until the token
     * expires), as a login does; without one, whoever authenticated the connection, else nobody.
     */
    private CurrentUser caller(TcpConnection connection, JsonNode request) {
        JsonNode token = request.get("token");
        if (token != null && token.isString()) {
            Jwt jwt = tokens.decode(token.stringValue());
            CurrentUser user = CurrentUser.of(jwt);
            connection.authenticate(user, jwt.getExpiresAt());
            return user;
        }
        return connection.user();
    }

    public static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isValueNode() ? value.asString() : value.toString();
    }
}
