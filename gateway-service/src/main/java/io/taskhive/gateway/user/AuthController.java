package io.taskhive.gateway.user;

import java.net.URI;
import java.time.Instant;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.taskhive.user.UserAccount;

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
    @Operation(summary = "Create an account", description = "409 if the username is taken, 400 if it or the password is not acceptable")
    ResponseEntity<UserView> register(@RequestBody CredentialsRequest request) {
        UserAccount user = registration.register(request.username(), request.password());
        return ResponseEntity.created(URI.create("/api/users/" + user.getId())).body(UserView.of(user));
    }

    @PostMapping("/login")
    @Operation(summary = "Exchange a username and password for a bearer token")
    TokenResponse login(@RequestBody CredentialsRequest request) {
        LoginService.LoggedIn loggedIn = login.login(request.username(), request.password());
        return new TokenResponse(loggedIn.token().token(), "Bearer", loggedIn.token().expiresAt(),
                UserView.of(loggedIn.user()));
    }

    record CredentialsRequest(String username, String password) {
    }

    record TokenResponse(String token, String tokenType, Instant expiresAt, UserView user) {
    }

    record UserView(long id, String username, String role, Instant createdAt) {
        static UserView of(UserAccount user) {
            return new UserView(user.getId(), user.getUsername(), user.getRole().name(), user.getCreatedAt());
        }
    }
}
