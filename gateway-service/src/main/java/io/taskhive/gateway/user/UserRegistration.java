package io.taskhive.gateway.user;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Creates accounts; only a BCrypt hash of the password is stored. */
@Service
public class UserRegistration {

    private final UserStore users;
    private final PasswordEncoder passwords;

    UserRegistration(UserStore users, PasswordEncoder passwords) {
        this.users = users;
        this.passwords = passwords;
    }

    public UserAccount register(String username, String password) {
        return register(username, password, Role.USER);
    }

    UserAccount register(String rawUsername, String password, Role role) {
        String username = Credentials.requireValidUsername(rawUsername);
        Credentials.requireStrongPassword(password, username);
        if (users.exists(username)) {
            throw new UsernameTakenException(username);
        }
        try {
            return users.insert(username, passwords.encode(password), role);
        } catch (DataIntegrityViolationException e) {
            throw new UsernameTakenException(username); // lost a race with a concurrent registration
        }
    }
}
