package io.taskhive.gateway.security;

import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Remembers tokens already verified, so a client sending the same token with every request costs
 * one signature check and one parse per token rather than per request. An entry never outlives its
 * token's expiry (nor {@code MAX_AGE}); only tokens that passed every check are kept.
 */
final class VerifiedTokenCache implements JwtDecoder {

    private static final Duration MAX_AGE = Duration.ofMinutes(10);
    private static final long MAX_TOKENS = 10_000;

    private final JwtDecoder verifier;
    private final Cache<String, Jwt> verified = Caffeine.newBuilder().maximumSize(MAX_TOKENS)
            .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> timeLeft(jwt))).build();

    VerifiedTokenCache(JwtDecoder verifier) {
        this.verifier = verifier;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt cached = verified.getIfPresent(token);
        if (cached != null && (cached.getExpiresAt() == null || Instant.now().isBefore(cached.getExpiresAt()))) {
            return cached;
        }
        Jwt jwt = verifier.decode(token);
        verified.put(token, jwt);
        return jwt;
    }

    private static Duration timeLeft(Jwt jwt) {
        if (jwt.getExpiresAt() == null) {
            return MAX_AGE;
        }
        Duration left = Duration.between(Instant.now(), jwt.getExpiresAt());
        return left.isNegative() ? Duration.ZERO : left.compareTo(MAX_AGE) > 0 ? MAX_AGE : left;
    }
}
