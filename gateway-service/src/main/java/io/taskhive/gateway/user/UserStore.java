package io.taskhive.gateway.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code users} rows. */
@Component
public class UserStore {

    private static final String COLUMNS = "id, username, password_hash, role, created_at";

    private final JdbcClient jdbc;

    UserStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<UserAccount> findByUsername(String username) {
        return jdbc.sql("select " + COLUMNS + " from users where username = :username")
                .param("username", username).query(UserStore::account).optional();
    }

    public boolean exists(String username) {
        return jdbc.sql("select exists (select 1 from users where username = :username)")
                .param("username", username).query(Boolean.class).single();
    }

    /**
     * A new account, created now; a username already taken fails with a
     * {@code DuplicateKeyException} (the unique constraint decides between concurrent requests).
     */
    public UserAccount insert(String username, String passwordHash, Role role) {
        return jdbc.sql("insert into users (username, password_hash, role, created_at) "
                + "values (:username, :hash, :role, now()) returning " + COLUMNS)
                .param("username", username).param("hash", passwordHash).param("role", role.name())
                .query(UserStore::account).single();
    }

    public UserAccount changePasswordHash(UserAccount account, String passwordHash) {
        jdbc.sql("update users set password_hash = :hash where id = :id")
                .param("hash", passwordHash).param("id", account.id()).update();
        return new UserAccount(account.id(), account.username(), passwordHash, account.role(), account.createdAt());
    }

    public UserAccount changeRole(UserAccount account, Role role) {
        jdbc.sql("update users set role = :role where id = :id").param("role", role.name()).param("id", account.id())
                .update();
        return new UserAccount(account.id(), account.username(), account.passwordHash(), role, account.createdAt());
    }

    private static UserAccount account(ResultSet row, int number) throws SQLException {
        return new UserAccount(row.getLong(1), row.getString(2), row.getString(3), Role.valueOf(row.getString(4)),
                row.getObject(5, OffsetDateTime.class).toInstant());
    }
}
