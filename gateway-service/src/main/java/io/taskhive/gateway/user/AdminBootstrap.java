package io.taskhive.gateway.user;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.security.SecurityProperties;
import io.taskhive.gateway.web.ApiException;

/**
 * Creates the admin account named by TASKHIVE_ADMIN_USERNAME / TASKHIVE_ADMIN_PASSWORD if it does
 * not exist yet, or gives the existing account the ADMIN role. Without both, no admin is made.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final SecurityProperties properties;
    private final UserStore users;
    private final UserRegistration registration;

    AdminBootstrap(SecurityProperties properties, UserStore users, UserRegistration registration) {
        this.properties = properties;
        this.users = users;
        this.registration = registration;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (properties.adminUsername() == null || properties.adminUsername().isBlank()
                || properties.adminPassword() == null || properties.adminPassword().isBlank()) {
            return;
        }
        String username = Credentials.requireValidUsername(properties.adminUsername());
        users.findByUsername(username).ifPresentOrElse(existing -> {
            if (existing.role() != Role.ADMIN) {
                users.changeRole(existing, Role.ADMIN);
                log.info("user {} given the ADMIN role", username);
            }
        }, () -> {
            try {
                registration.register(username, properties.adminPassword(), Role.ADMIN);
                log.info("admin account {} created", username);
            } catch (UsernameTakenException e) {
                log.info("admin account {} created by another replica", username);
            } catch (ApiException e) {
                throw new IllegalStateException("TASKHIVE_ADMIN_PASSWORD is not acceptable: " + e.getMessage());
            }
        });
    }
}
