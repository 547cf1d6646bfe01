package io.taskhive.gateway.user;

import java.util.Optional;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Checks a username and password and returns a signed token. */
@Service
public class LoginService {

    private final UserStore users;
    private final PasswordEncoder passwords;
    private final TokenIssuer tokens;
    private final LoginThrottle throttle;
    /** Compared against when the user does not exist, so both failures take as long. */
    private final String unknownUserHash;

    LoginService(UserStore users, PasswordEncoder passwords, TokenIssuer tokens, LoginThrottle throttle) {
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.throttle = throttle;
        this.unknownUserHash = passwords.encode("no such user: the hash only costs time");
    }

    public LoggedIn login(String rawUsername, String password) {
        String username = Credentials.normalizeUsername(rawUsername);
        if (!Credentials.isPossibleUsername(username) || password == null || password.length() > 1024) {
            throw new InvalidCredentialsException();
        }
        throttle.check(username);
        Optional<UserAccount> user = users.findByUsername(username);
        boolean matches = passwords.matches(password, user.map(UserAccount::passwordHash).orElse(unknownUserHash));
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
