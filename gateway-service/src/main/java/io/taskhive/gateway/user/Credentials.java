package io.taskhive.gateway.user;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;

import io.taskhive.gateway.web.ApiException;

/**
 * The rules for usernames and passwords, shared by registration and login (REST and TCP).
 * Usernames are compared in lower case, so "Alice" cannot register beside "alice".
 */
public final class Credentials {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{2,31}");
    private static final int MIN_PASSWORD_LENGTH = 8;
    /** BCrypt reads at most 72 bytes; longer passwords would be silently truncated. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private Credentials() {
    }

    public static String normalizeUsername(String username) {
        return username == null ? null : username.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a (normalized) name could belong to an account at all. Login and the legacy clients
     * check it before looking the name up: a name no account can have is answered like a wrong
     * password without a query, and text PostgreSQL refuses (U+0000, malformed surrogates) never
     * reaches it.
     */
    public static boolean isPossibleUsername(String normalized) {
        return normalized != null && USERNAME.matcher(normalized).matches();
    }

    public static String requireValidUsername(String username) {
        String normalized = normalizeUsername(username);
        if (!isPossibleUsername(normalized)) {
            throw new ApiException(HttpStatus.BAD_REQUEST,
                    "username must be 3 to 32 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return normalized;
    }

    public static String requireStrongPassword(String password, String username) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "password must be at most " + MAX_PASSWORD_BYTES + " bytes (UTF-8)");
        }
        if (password.isBlank() || password.equalsIgnoreCase(username)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "password must not be blank or equal to the username");
        }
        return password;
    }
}
