package io.taskhive.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import tools.jackson.databind.JsonNode;

class AuthApiTest extends ApiTestSupport {

    @Test
    void registersLogsInAndUsesTheToken() {
        User user = newUser();
        JsonNode login = api.post("/api/auth/login", null,
                Map.of("username", user.username(), "password", user.password())).json();
        assertThat(login.get("token").stringValue()).isNotBlank();
        assertThat(Instant.parse(login.get("expiresAt").stringValue())).isAfter(Instant.now());
        assertThat(api.get("/api/tasks", user.token()).status()).isEqualTo(200);
    }

    @Test
    void usernamesAreUniqueRegardlessOfCase() {
        User user = newUser();
        ApiClient.Response again = api.post("/api/auth/register", null,
                Map.of("username", user.username().toUpperCase(), "password", "another-password"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void refusesWeakPasswordsAndInvalidUsernames() {
        String name = "w" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/auth/register", null, Map.of("username", name, "password", "short")).status())
                .isEqualTo(400);
        assertThat(api.post("/api/auth/register", null, Map.of("username", name, "password", "x".repeat(73)))
                .status()).isEqualTo(400);
        assertThat(api.post("/api/auth/register", null, Map.of("username", "a b", "password", "long enough pw"))
                .status()).isEqualTo(400);
        assertThat(api.post("/api/auth/register", null, Map.of("password", "long enough pw")).status())
                .isEqualTo(400);
        assertThat(api.post("/api/auth/register", null, "{not json").status()).isEqualTo(400);
    }

    @Test
    void badCredentialsGetOneAnswerWhetherOrNotTheUserExists() {
        User user = newUser();
        ApiClient.Response wrongPassword = api.post("/api/auth/login", null,
                Map.of("username", user.username(), "password", "wrong-password"));
        ApiClient.Response noSuchUser = api.post("/api/auth/login", null,
                Map.of("username", "nobody-" + UUID.randomUUID().toString().substring(0, 8), "password", "whatever1"));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(noSuchUser.status()).isEqualTo(401);
        assertThat(wrongPassword.json().get("detail")).isEqualTo(noSuchUser.json().get("detail"));
    }

    @Test
    void repeatedFailedLoginsAreThrottled() {
        User user = newUser();
        for (int i = 0; i < 5; i++) {
            assertThat(api.post("/api/auth/login", null,
                    Map.of("username", user.username(), "password", "wrong-" + i)).status()).isEqualTo(401);
        }
        ApiClient.Response throttled = api.post("/api/auth/login", null,
                Map.of("username", user.username(), "password", user.password()));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
    }

    @Test
    void requestsWithoutAValidTokenAreRefused() throws Exception {
        User user = newUser();
        assertUnauthorized(api.get("/api/tasks", null));
        assertUnauthorized(api.get("/api/tasks", "not-a-jwt"));
        assertUnauthorized(api.get("/api/tasks", token("another-secret-of-sufficient-length-0123456789",
                user, Instant.now().plusSeconds(600))));
        assertUnauthorized(api.get("/api/tasks", token(RunningSystem.JWT_SECRET, user,
                Instant.now().minusSeconds(600))));
        // a valid signature with the right claims is accepted: the refusals above are about the token
        assertThat(api.get("/api/tasks", token(RunningSystem.JWT_SECRET, user, Instant.now().plusSeconds(600)))
                .status()).isEqualTo(200);
    }

    private static void assertUnauthorized(ApiClient.Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.text()).doesNotContain("Exception").doesNotContain("at io.");
    }

    private static String token(String secret, User user, Instant expiresAt) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("taskhive").subject(user.username())
                .claim("uid", user.id()).claim("roles", List.of("USER"))
                .issueTime(Date.from(expiresAt.minusSeconds(3600))).expirationTime(Date.from(expiresAt)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
