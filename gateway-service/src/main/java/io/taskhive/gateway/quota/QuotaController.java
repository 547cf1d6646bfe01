package io.taskhive.gateway.quota;

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
import io.taskhive.gateway.apidocs.ProblemResponses;
import io.taskhive.gateway.security.CurrentUser;

/** Limits per user over REST: each user reads their own; admins read and set anyone's. */
@RestController
@Tag(name = "quotas", description = "Each user's limits on tasks running and waiting")
@SecurityRequirement(name = "bearer")
@ProblemResponses({400, 401})
class QuotaController {

    private final UserQuotas quotas;

    QuotaController(UserQuotas quotas) {
        this.quotas = quotas;
    }

    @GetMapping("/api/quotas")
    @Operation(operationId = "getMyQuotas", summary = "Your limits, and your tasks counted against them")
    @ApiResponse(responseCode = "200", description = "Your limits and counts")
    QuotaView mine(@AuthenticationPrincipal Jwt jwt) {
        return quotas.of(CurrentUser.of(jwt).id());
    }

    @GetMapping("/api/admin/users/{id}/quotas")
    @Operation(operationId = "getUserQuotas", summary = "A user's limits, and their tasks counted against them")
    @ApiResponse(responseCode = "200", description = "The user's limits and counts")
    @ProblemResponses({403, 404})
    QuotaView ofUser(@PathVariable long id) {
        return quotas.of(id);
    }

    @PutMapping("/api/admin/users/{id}/quotas")
    @Operation(operationId = "setUserQuotas", summary = "Set a user's own limits",
            description = "Both values are replaced; null (or left out) puts that limit back to the default")
    @ApiResponse(responseCode = "200", description = "The user's limits and counts, as changed")
    @ProblemResponses({403, 404})
    QuotaView set(@PathVariable long id, @RequestBody QuotaChange change) {
        return quotas.set(id, change);
    }
}
