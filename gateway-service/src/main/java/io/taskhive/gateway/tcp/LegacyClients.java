package io.taskhive.gateway.tcp;

import java.time.Instant;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.user.Credentials;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.user.Role;
import io.taskhive.user.UserAccount;
import io.taskhive.user.UserAccountRepository;

/**
 * The compatibility switch for the seeds' unmodified socket clients, which authenticate per
 * request or not at all: seed 2 sends only a {@code username} after logging in, seed 1 nothing.
 * Off by default; when off, such requests are refused with a message saying how to authenticate.
 */
@Component
class LegacyClients {

    static final String HOW_TO_AUTHENTICATE = "this request is not authenticated: log in on this connection first "
            + "({\"action\":\"login\",\"username\":...,\"password\":...}) or send a \"token\" from POST /api/auth/login; "
            + "the seeds' unauthenticated clients need the server's TASKHIVE_TCP_LEGACY_CLIENTS=true";

    private final TcpProperties properties;
    private final UserAccountRepository users;
    private final PasswordEncoder passwords;

    LegacyClients(TcpProperties properties, UserAccountRepository users, PasswordEncoder passwords) {
        this.properties = properties;
        this.users = users;
        this.passwords = passwords;
    }

    /** Seed 2: the user its request names, taken at its word (only with the switch on). */
    CurrentUser named(String username) {
        requireSwitch();
        return users.findByUsername(Credentials.normalizeUsername(username))
                .map(LegacyClients::current)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "no such user"));
    }

    /** Seed 1: the dedicated account that owns anonymous tasks, created on first use. */
    CurrentUser anonymousOwner() {
        requireSwitch();
        String name = Credentials.requireValidUsername(properties.legacyOwner());
        return users.findByUsername(name).map(LegacyClients::current).orElseGet(() -> {
            try {
                // Nobody can log in as it: the password is random and forgotten.
                return current(users.save(new UserAccount(name, passwords.encode(UUID.randomUUID().toString()),
                        Role.USER, Instant.now())));
            } catch (DataIntegrityViolationException e) {
                return users.findByUsername(name).map(LegacyClients::current).orElseThrow(() -> e);
            }
        });
    }

    private void requireSwitch() {
        if (!properties.legacyClients()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, HOW_TO_AUTHENTICATE);
        }
    }

    private static CurrentUser current(UserAccount user) {
        return new CurrentUser(user.getId(), user.getUsername(), user.getRole() == Role.ADMIN);
    }
}
