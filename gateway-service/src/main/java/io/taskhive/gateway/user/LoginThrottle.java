package io.taskhive.gateway.user;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.taskhive.gateway.security.SecurityProperties;
import io.taskhive.gateway.web.ApiException;

/**
 * Slows password guessing: after a number of failed logins for one username (existing or not, so
 * the throttle reveals nothing), further attempts are refused for a while without being checked.
 * Kept per replica; behind a load balancer the effective limit is that times the replica count.
 */
@Component
class LoginThrottle {

    private final int maxFailures;
    private final Duration lockout;
    private final Cache<String, AtomicInteger> failures;

    LoginThrottle(SecurityProperties properties) {
        this.maxFailures = properties.loginMaxFailures();
        this.lockout = properties.loginLockout();
        this.failures = Caffeine.newBuilder().expireAfterWrite(lockout).maximumSize(100_000).build();
    }

    void check(String username) {
        AtomicInteger count = failures.getIfPresent(username);
        if (count != null && count.get() >= maxFailures) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS,
                    "too many failed logins for this username; try again later", lockout);
        }
    }

    void failed(String username) {
        failures.asMap().compute(username, (name, count) -> {
            AtomicInteger next = count == null ? new AtomicInteger() : count;
            next.incrementAndGet();
            return next; // re-putting restarts the lockout window
        });
    }

    void succeeded(String username) {
        failures.invalidate(username);
    }
}
