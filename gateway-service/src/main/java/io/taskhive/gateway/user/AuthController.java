package io.taskhive.gateway.user;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.gateway.apidocs.ProblemResponses;

@RestController
@RequestMapping("/api/auth")
@Tag(name = "auth", description = "Register and log in")
class AuthController {

    private final UserRegistration registration;
    private final LoginService login;

    AuthController(UserRegistration registration, LoginService login) {
        this.registration = registration;
        this.login = login;
    }

    @PostMapping("/register")
    @Operation(operationId = "register", summary = "Create an account",
            description = "409 if the username is taken, 400 if it or the password is not acceptable")
    @SecurityRequirements
    @ApiResponse(responseCode = "201", description = "Registered; log in next", headers = @Header(name = "Location",
            description = "The account's URL", required = true, schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemResponses({400, 409, 413, 503})
    ResponseEntity<UserView> register(@RequestBody CredentialsRequest request) {
        UserAccount user = registration.register(request.username(), request.password());
        return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(UserView.of(user));
    }

    @PostMapping("/login")
    @Operation(operationId = "login", summary = "Exchange a username and password for a bearer token",
            description = "401 for a wrong username or password alike; 429 after repeated failures for a username")
    @SecurityRequirements
    @ApiResponse(responseCode = "200", description = "The token, to send as 'Authorization: Bearer <token>'")
    @ProblemResponses({400, 401, 413, 429, 503})
    TokenResponse login(@RequestBody CredentialsRequest request) {
        LoginService.LoggedIn loggedIn = login.login(request.username(), request.password());
        return new TokenResponse(loggedIn.token().token(), "Bearer", loggedIn.token().expiresAt(),
                UserView.of(loggedIn.user()));
    }

    /** The limits are the ones {@link Credentials} checks (a username is compared in lower case). */
    record CredentialsRequest(
            @Schema(description = "3 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit; "
                    + "compared in lower case", minLength = 3, maxLength = 32,
                    pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$", example = "ada") String username,
            @Schema(description = "At least 8 characters and at most 72 bytes (UTF-8), not the username",
                    minLength = 8, example = "correct horse battery") String password) {
    }

    record TokenResponse(String token, @Schema(allowableValues = "Bearer") String tokenType, Instant expiresAt,
            UserView user) {
    }

    record UserView(long id, String username, @Schema(allowableValues = {"USER", "ADMIN"}) String role,
            Instant createdAt) {
        static UserView of(UserAccount user) {
            return new UserView(user.id(), user.username(), user.role().name(), user.createdAt());
        }
    }
}
