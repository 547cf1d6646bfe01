package io.taskhive.gateway.security;

import java.util.List;

import org.springframework.security.oauth2.jwt.Jwt;

/** The caller of an authenticated request, as its token says. */
public record CurrentUser(long id, String username, boolean admin) {

    static final String USER_ID_CLAIM = "uid";
    static final String ROLES_CLAIM = "roles";

    public static CurrentUser of(Jwt jwt) {
        Number id = jwt.getClaim(USER_ID_CLAIM);
        List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
        return new CurrentUser(id.longValue(), jwt.getSubject(), roles != null && roles.contains("ADMIN"));
    }
}
