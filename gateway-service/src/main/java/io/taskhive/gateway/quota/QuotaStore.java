package io.taskhive.gateway.quota;

import java.sql.Types;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The limits columns of the {@code users} rows. */
@Component
class QuotaStore {

    private final JdbcClient jdbc;

    QuotaStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's own limits (each null where the default applies); empty if there is no such user. */
    Optional<QuotaChange> own(long userId) {
        return jdbc.sql("select max_running, max_queued from users where id = :id").param("id", userId)
                .query((row, number) -> new QuotaChange(nullable(row.getInt(1), row.wasNull()),
                        nullable(row.getInt(2), row.wasNull())))
                .optional();
    }

    /** Sets the user's own limits; false if there is no such user. */
    boolean set(long userId, QuotaChange change) {
        return jdbc.sql("update users set max_running = :maxRunning, max_queued = :maxQueued where id = :id")
                .param("maxRunning", change.maxRunning(), Types.INTEGER)
                .param("maxQueued", change.maxQueued(), Types.INTEGER)
                .param("id", userId).update() == 1;
    }

    private static Integer nullable(int value, boolean wasNull) {
        return wasNull ? null : value;
    }
}
