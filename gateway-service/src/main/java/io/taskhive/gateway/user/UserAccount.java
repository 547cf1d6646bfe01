package io.taskhive.gateway.user;

import java.time.Instant;

/** Someone who can log in and own tasks. Only the BCrypt hash of the password is kept. */
public record UserAccount(long id, String username, String passwordHash, Role role, Instant createdAt) {
}
