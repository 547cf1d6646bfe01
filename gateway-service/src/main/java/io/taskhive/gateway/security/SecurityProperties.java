package io.taskhive.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import jakarta.annotation.Nullable;

/**
 * Authentication settings ({@code taskhive.security.*}). There is deliberately no default secret:
 * every gateway replica must be given the same one (TASKHIVE_JWT_SECRET) so they accept each
 * other's tokens, and a missing or short one stops the gateway at start-up.
 *
 * @param jwtSecret          HMAC-SHA256 key for tokens, at least 32 bytes
 * @param tokenTtl           how long a token is valid
 * @param issuer             the {@code iss} of issued tokens, checked on every request
 * @param loginMaxFailures   failed logins for one username before it is throttled
 * @param loginLockout       how long a throttled username waits
 * @param adminUsername      when set with {@code adminPassword}, this admin account is created at
 *                           start-up if it does not exist
 * @param adminPassword      see {@code adminUsername}
 */
@ConfigurationProperties("taskhive.security")
public record SecurityProperties(
        @Nullable String jwtSecret,
        @DefaultValue("1h") Duration tokenTtl,
        @DefaultValue("taskhive") String issuer,
        @DefaultValue("5") int loginMaxFailures,
        @DefaultValue("5m") Duration loginLockout,
        @Nullable String adminUsername,
        @Nullable String adminPassword) {

    static final int MIN_SECRET_BYTES = 32;
    /** How the example files (.env.example, k8s/secret.example.yaml) mark a value to be replaced. */
    static final String PLACEHOLDER = "change-me";

    public SecurityProperties {
        if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES
                || isPlaceholder(jwtSecret)) {
            throw new IllegalArgumentException("taskhive.security.jwt-secret (env TASKHIVE_JWT_SECRET) must be set to a "
                    + "secret of at least " + MIN_SECRET_BYTES + " bytes, the same on every gateway replica; "
                    + "generate one with: openssl rand -base64 48");
        }
        if (isPlaceholder(adminPassword)) {
            throw new IllegalArgumentException("taskhive.security.admin-password (env TASKHIVE_ADMIN_PASSWORD) is still "
                    + "the example's placeholder; set a real password, or leave it empty for no admin account");
        }
        if (issuer.isBlank() || loginMaxFailures < 1 || !tokenTtl.isPositive() || loginLockout.isNegative()) {
            throw new IllegalArgumentException("taskhive.security: issuer must not be blank, login-max-failures must be "
                    + "at least 1, token-ttl positive and login-lockout not negative");
        }
    }

    private static boolean isPlaceholder(String value) {
        return value != null && value.strip().toLowerCase(java.util.Locale.ROOT).startsWith(PLACEHOLDER);
    }

    /** Never print the secret (this record ends up in logs and actuator output otherwise). */
    @Override
    public String toString() {
        return "SecurityProperties[tokenTtl=" + tokenTtl + ", issuer=" + issuer + ", adminUsername=" + adminUsername + "]";
    }
}
