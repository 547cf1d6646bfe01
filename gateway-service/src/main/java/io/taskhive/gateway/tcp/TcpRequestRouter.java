package io.taskhive.gateway.tcp;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tells the three dialects apart by their fields and hands each request to its protocol:
 * {@code action} get_tasks/new_task is seed 2's, any other {@code action} is native (register and
 * login answer in both vocabularies, since seed 2 uses them too), and {@code tipo}/{@code type}
 * without an action is seed 1's. A request's {@code id} is echoed in its reply.
 */
@Component
class TcpRequestRouter {

    private static final Logger log = LoggerFactory.getLogger(TcpRequestRouter.class);
    private static final Set<String> SEED2_ACTIONS = Set.of("get_tasks", "new_task");

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

    JsonNode handle(TcpConnection connection, JsonNode request) {
        JsonNode reply;
        try {
            CurrentUser caller = caller(connection, request);
            JsonNode action = request.get("action");
            if (action != null) {
                String name = action.isString() ? action.stringValue() : "";
                reply = SEED2_ACTIONS.contains(name) ? seed2.handle(connection, caller, name, request)
                        : nativeProtocol.handle(connection, caller, name, request);
            } else if (request.has("tipo") || request.has("type")) {
                reply = seed1.handle(caller, request);
            } else {
                reply = TcpReplies.error("invalid_request",
                        "unknown request: send {\"action\": ...} (register, login, submit, get, list, cancel, subscribe, "
                                + "ping) or a seed-1 task {\"tipo\": 1..4, \"contenido\": ...}");
            }
        } catch (RuntimeException e) {
            reply = TcpReplies.error(e);
            String code = reply.get("error").get("code").stringValue();
            if (code.equals("internal") || code.equals("unavailable")) {
                log.warn("TCP request failed: {}", e.toString());
            }
        }
        if (reply instanceof ObjectNode object && request.has("id")) {
            object.set("id", request.get("id"));
        }
        return reply;
    }

    /** The token on the request, else whoever logged in on this connection, else nobody. */
    private CurrentUser caller(TcpConnection connection, JsonNode request) {
        JsonNode token = request.get("token");
        if (token != null && token.isString()) {
            return CurrentUser.of(tokens.decode(token.stringValue()));
        }
        return connection.user();
    }

    static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isValueNode() ? value.asString() : value.toString();
    }
}
