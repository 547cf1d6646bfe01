package io.taskhive.standalone;

import org.springframework.context.ApplicationContext;
import org.springframework.security.crypto.password.PasswordEncoder;

import io.taskhive.gateway.user.UserRegistration;
import io.taskhive.gateway.user.UserStore;
import io.taskhive.gateway.user.UsernameTakenException;

/**
 * The ready-made account a standalone run prints, so a newcomer can try the API at once. Created
 * through the gateway's own registration (same rules, BCrypt); its password is the installation's
 * generated one, re-applied at every start in case the account was changed.
 */
final class DemoAccount {

    static final String USERNAME = "demo";

    private DemoAccount() {
    }

    static void ensure(ApplicationContext gateway, String password) {
        UserStore users = gateway.getBean(UserStore.class);
        PasswordEncoder passwords = gateway.getBean(PasswordEncoder.class);
        var existing = users.findByUsername(USERNAME);
        if (existing.isEmpty()) {
            try {
                gateway.getBean(UserRegistration.class).register(USERNAME, password);
                return;
            } catch (UsernameTakenException e) {
                existing = users.findByUsername(USERNAME);
            }
        }
        existing.filter(account -> !passwords.matches(password, account.passwordHash()))
                .ifPresent(account -> users.changePasswordHash(account, passwords.encode(password)));
    }
}
