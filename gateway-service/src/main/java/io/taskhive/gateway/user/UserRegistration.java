package io.taskhive.gateway.user;

import java.time.Instant;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import io.taskhive.user.Role;
import io.taskhive.user.UserAccount;
import io.taskhive.user.UserAccountRepository;

/** Creates accounts; only a BCrypt hash of the password is stored. */
@Service
public class UserRegistration {

    private final UserAccountRepository users;
    private final PasswordEncoder passwords;

    UserRegistration(UserAccountRepository users, PasswordEncoder passwords) {
        this.users = users;
        this.passwords = passwords;
    }

    public UserAccount register(String username, String password) {
        return register(username, password, Role.USER);
    }

    UserAccount register(String rawUsername, String password, Role role) {
        String username = Credentials.requireValidUsername(rawUsername);
        Credentials.requireStrongPassword(password, username);
        if (users.existsByUsername(username)) {
            throw new UsernameTakenException(username);
        }
        try {
            return users.save(new UserAccount(username, passwords.encode(password), role, Instant.now()));
        } catch (DataIntegrityViolationException e) {
            throw new UsernameTakenException(username); // lost a race with a concurrent registration
        }
    }
}
