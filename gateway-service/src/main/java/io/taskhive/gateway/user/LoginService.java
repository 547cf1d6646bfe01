package io.taskhive.gateway.user;

import java.util.Optional;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.util.function.SingletonSupplier;

/** Checks a username and password and returns a signed token. */
@Service
public class LoginService {

    private final UserStore users;
    private final PasswordEncoder passwords;
    private final TokenIssuer tokens;
    private final LoginThrottle throttle;
    /**
     * Compared against when the user does not exist, so both failures take as long. Made at the first
     * such login, not at start: one BCrypt hash by a JVM whose JIT is still cold is a noticeable part
     * of a gateway's start (docs/benchmarks.md, "Starting in seconds").
     */
    private final SingletonSupplier<String> unknownUserHash;

    LoginService(UserStore users, PasswordEncoder passwords, TokenIssuer tokens, LoginThrottle throttle) {
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.throttle = throttle;
        this.unknownUserHash = SingletonSupplier.of(() -> passwords.encode("no such user: the hash only costs time"));
    }

    public LoggedIn login(String rawUsername, String password) {
        String username = Credentials.normalizeUsername(rawUsername);
        if (!Credentials.isPossibleUsername(username) || password == null || password.length() > 1024) {
            throw new InvalidCredentialsException();
        }
        throttle.check(username);
        Optional<UserAccount> user = users.findByUsername(username);
        boolean matches = passwords.matches(password, user.map(UserAccount::passwordHash).orElseGet(unknownUserHash));
        if (user.isEmpty() || !matches) {
            throttle.failed(username);
            throw new InvalidCredentialsException();
        }
        throttle.succeeded(username);
        return new LoggedIn(user.get(), tokens.issue(user.get()));
    }

    public record LoggedIn(UserAccount user, TokenIssuer.IssuedToken token) {
    }
}
