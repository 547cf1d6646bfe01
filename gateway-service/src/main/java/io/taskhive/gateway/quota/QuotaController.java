package io.taskhive.gateway.quota;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.store.DispatchStore;
import io.taskhive.task.store.OwnerLoad;

/**
 * Limits per user: each user reads their own; admins read and set anyone's. A change applies to
 * new submissions and dispatch rounds within {@code dispatch.counts-max-age}; tasks already running
 * go on.
 */
@RestController
@Tag(name = "quotas", description = "Each user's limits on tasks running and waiting")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 401})
class QuotaController {

    private static final int HIGHEST_LIMIT = 10_000_000;

    private final QuotaStore quotas;
    private final DispatchStore dispatch;
    private final GatewayProperties.Quotas defaults;

    QuotaController(QuotaStore quotas, DispatchStore dispatch, GatewayProperties properties) {
        this.quotas = quotas;
        this.dispatch = dispatch;
        this.defaults = properties.quotas();
    }

    @GetMapping("/api/quotas")
    @Operation(operationId = "getMyQuotas", summary = "Your limits, and your tasks counted against them")
    @ApiResponse(responseCode = "200", description = "Your limits and counts")
    QuotaView mine(@AuthenticationPrincipal Jwt jwt) {
        return view(CurrentUser.of(jwt).id());
    }

    @GetMapping("/api/admin/users/{id}/quotas")
    @Operation(operationId = "getUserQuotas", summary = "A user's limits, and their tasks counted against them")
    @ApiResponse(responseCode = "200", description = "The user's limits and counts")
    @ProblemResponses({403, 404})
    QuotaView ofUser(@PathVariable long id) {
        return view(id);
    }

    @PutMapping("/api/admin/users/{id}/quotas")
    @Operation(operationId = "setUserQuotas", summary = "Set a user's own limits",
            description = "Both values are replaced; null (or left out) puts that limit back to the default")
    @ApiResponse(responseCode = "200", description = "The user's limits and counts, as changed")
    @ProblemResponses({403, 404})
    QuotaView set(@PathVariable long id, @RequestBody QuotaChange change) {
        if (change == null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "a body with maxRunning and maxQueued is required");
        }
        check("maxRunning", change.maxRunning());
        check("maxQueued", change.maxQueued());
        if (!quotas.set(id, change)) {
            throw noSuchUser(id);
        }
        return view(id);
    }

    private QuotaView view(long userId) {
        QuotaChange own = quotas.own(userId).orElseThrow(() -> noSuchUser(userId));
        OwnerLoad load = dispatch.ownerLoad(userId, defaults.maxRunning(), defaults.maxQueued());
        return new QuotaView(userId, load.maxRunning(), load.maxQueued(), own.maxRunning(), own.maxQueued(),
                load.inFlight(), load.waiting());
    }

    private static void check(String name, Integer value) {
        if (value != null && (value < 1 || value > HIGHEST_LIMIT)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, name + " must be between 1 and " + HIGHEST_LIMIT
                    + ", or null for the default");
        }
    }

    private static ApiException noSuchUser(long id) {
        return new ApiException(HttpStatus.NOT_FOUND, "no user with id " + id);
    }
}
