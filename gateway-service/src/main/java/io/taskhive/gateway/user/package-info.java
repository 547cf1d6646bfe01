/**
 * Accounts: registration with BCrypt-hashed passwords, login with throttling, the tokens it issues, and the
 * {@code users} rows.
 */
package io.taskhive.gateway.user;
