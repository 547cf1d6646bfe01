package io.taskhive.gateway.tcp.legacy;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.tcp.TcpProperties;
import io.taskhive.gateway.user.Credentials;
import io.taskhive.gateway.user.Role;
import io.taskhive.gateway.user.UserAccount;
import io.taskhive.gateway.user.UserStore;
import io.taskhive.gateway.web.ApiException;

/**
 * The compatibility switch for the seeds' unmodified socket clients, which authenticate per
 * request or not at all: seed 2 sends only a {@code username} after logging in, seed 1 nothing.
 * Off by default; when off, such requests are refused with a message saying how to authenticate.
 *
 * <p>The account that owns seed 1's anonymous tasks is reserved at every start, switch on or off:
 * it exists (so nobody can register the name and read those tasks) and its password is replaced by
 * a random one nobody knows (so nobody who registered it earlier can log in as it).
 */
@Component
class LegacyClients implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LegacyClients.class);

    static final String HOW_TO_AUTHENTICATE = "this request is not authenticated: log in on this connection first "
            + "({\"action\":\"login\",\"username\":...,\"password\":...}) or send a \"token\" from POST /api/auth/login; "
            + "the seeds' unauthenticated clients need the server's TASKHIVE_TCP_LEGACY_CLIENTS=true";

    private final TcpProperties properties;
    private final UserStore users;
    private final PasswordEncoder passwords;

    LegacyClients(TcpProperties properties, UserStore users, PasswordEncoder passwords) {
        this.properties = properties;
        this.users = users;
        this.passwords = passwords;
    }

    /** Seed 2: the user its request names, taken at its word (only with the switch on). */
    CurrentUser named(String username) {
        requireSwitch();
        String normalized = Credentials.normalizeUsername(username);
        if (!Credentials.isPossibleUsername(normalized)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "no such user");
        }
        return users.findByUsername(normalized)
                .map(LegacyClients::current)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "no such user"));
    }

    /** Seed 1: the dedicated account that owns anonymous tasks. */
    CurrentUser anonymousOwner() {
        requireSwitch();
        return current(reserveOwner(false));
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            reserveOwner(true);
        } catch (DataAccessException e) {
            log.warn("could not reserve the legacy clients' account {} yet ({}); it is reserved on first use",
                    properties.legacyOwner(), e.getMessage());
        }
    }

    /** The owner account, created if missing; with {@code lock}, its password replaced by a random one. */
    private UserAccount reserveOwner(boolean lock) {
        String name = Credentials.requireValidUsername(properties.legacyOwner());
        UserAccount owner = users.findByUsername(name).orElse(null);
        if (owner == null) {
            try {
                return users.insert(name, unknownPassword(), Role.USER);
            } catch (DataIntegrityViolationException e) {
                owner = users.findByUsername(name).orElseThrow(() -> e);
            }
        }
        if (lock) {
            owner = users.changePasswordHash(owner, unknownPassword());
        }
        return owner;
    }

    private String unknownPassword() {
        return passwords.encode(UUID.randomUUID().toString()); // random, unknown, never stored
    }

    private void requireSwitch() {
        if (!properties.legacyClients()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, HOW_TO_AUTHENTICATE);
        }
    }

    private static CurrentUser current(UserAccount user) {
        return new CurrentUser(user.id(), user.username(), user.role() == Role.ADMIN);
    }
}
