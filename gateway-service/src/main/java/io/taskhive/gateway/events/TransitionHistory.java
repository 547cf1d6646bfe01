package io.taskhive.gateway.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;

/**
 * Stored status changes as events, in id order, for a stream to replay before it goes live. Ids
 * come from one sequence, so "after id N" is a position in every user's history at once.
 */
@Component
class TransitionHistory {

    private static final String COLUMNS = """
            select tt.id, tt.task_id, t.owner_id, t.type, tt.from_status, tt.to_status, tt.at, tt.worker_id,
                   tt.attempt
              from task_transitions tt join tasks t on t.id = tt.task_id
            """;

    private final JdbcClient jdbc;

    TransitionHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One task's changes after {@code afterId} (its whole history from 0). */
    List<TaskStatusEvent> ofTask(UUID taskId, long afterId, int limit) {
        return jdbc.sql(COLUMNS + " where tt.task_id = :taskId and tt.id > :afterId order by tt.id limit :limit")
                .param("taskId", taskId).param("afterId", afterId).param("limit", limit)
                .query(TransitionHistory::event).list();
    }

    /**
     * The changes after {@code afterId} of one owner's tasks, or (null) of everyone's: a walk of
     * the history's primary key from that id, so it costs what has happened since, not the size of
     * the history.
     */
    List<TaskStatusEvent> after(long afterId, Long ownerId, int limit) {
        String filter = ownerId == null ? "" : " and t.owner_id = :ownerId";
        JdbcClient.StatementSpec query = jdbc.sql(COLUMNS + " where tt.id > :afterId" + filter
                + " order by tt.id limit :limit").param("afterId", afterId).param("limit", limit);
        if (ownerId != null) {
            query = query.param("ownerId", ownerId);
        }
        return query.query(TransitionHistory::event).list();
    }

    private static TaskStatusEvent event(ResultSet row, int number) throws SQLException {
        String from = row.getString(5);
        return new TaskStatusEvent(row.getLong(1), row.getObject(2, UUID.class), row.getLong(3), row.getString(4),
                from == null ? null : TaskStatus.valueOf(from), TaskStatus.valueOf(row.getString(6)),
                row.getObject(7, OffsetDateTime.class).toInstant(), row.getString(8), row.getInt(9));
    }
}
