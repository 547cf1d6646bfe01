package io.taskhive.gateway.schedule;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * The {@code schedules} and {@code schedule_slots} rows (never the task rows: those are the task
 * store's). An owner id of null stands for an admin, who reaches every schedule.
 */
@Component
class ScheduleStore {

    private static final String COLUMNS = """
            id, owner_id, name, cron, time_zone, interval_seconds, task_type, cast(task_payload as text),
            max_attempts, timeout_seconds, priority, missed_policy, max_missed_runs, paused, next_run_at, last_slot_at,
            last_task_id, skipped_slots, created_at, updated_at""";

    private final JdbcClient jdbc;

    ScheduleStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the owner's user row until the end of the caller's transaction and counts their
     * schedules: two creations for one user are serialised, so the cap holds.
     */
    long lockOwnerAndCount(long ownerId) {
        jdbc.sql("select id from users where id = :owner for update").param("owner", ownerId).query().listOfRows();
        return jdbc.sql("select count(*) from schedules where owner_id = :owner").param("owner", ownerId)
                .query(Long.class).single();
    }

    void insert(Schedule s) {
        jdbc.sql("""
                insert into schedules (id, owner_id, name, cron, time_zone, interval_seconds, task_type, task_payload,
                                       max_attempts, timeout_seconds, priority, missed_policy, max_missed_runs, paused,
                                       next_run_at, created_at, updated_at)
                values (:id, :owner, :name, :cron, :zone, :interval, :type, cast(:payload as jsonb), :maxAttempts,
                        :timeout, :priority, :policy, :maxMissed, :paused, :next, :createdAt, :updatedAt)
                """)
                .param("id", s.id())
                .param("owner", s.ownerId())
                .params(mutableFields(s))
                .param("createdAt", at(s.createdAt()))
                .update();
    }

    /** Writes what a change may change: everything but the owner, the creation and the slots' record. */
    boolean update(Schedule s) {
        return jdbc.sql("""
                update schedules
                   set name = :name, cron = :cron, time_zone = :zone, interval_seconds = :interval,
                       task_type = :type, task_payload = cast(:payload as jsonb), max_attempts = :maxAttempts,
                       timeout_seconds = :timeout, priority = :priority, missed_policy = :policy,
                       max_missed_runs = :maxMissed,
                       paused = :paused, next_run_at = :next, updated_at = :updatedAt
                 where id = :id
                """)
                .param("id", s.id())
                .params(mutableFields(s))
                .update() == 1;
    }

    private static Map<String, Object> mutableFields(Schedule s) {
        return Map.ofEntries(
                Map.entry("name", s.name()),
                Map.entry("cron", new SqlParameterValue(Types.VARCHAR, s.cron())),
                Map.entry("zone", new SqlParameterValue(Types.VARCHAR, s.timeZone())),
                Map.entry("interval", new SqlParameterValue(Types.BIGINT, s.intervalSeconds())),
                Map.entry("type", s.taskType()),
                Map.entry("payload", s.taskPayload()),
                Map.entry("maxAttempts", s.maxAttempts()),
                Map.entry("timeout", new SqlParameterValue(Types.INTEGER, s.timeoutSeconds())),
                Map.entry("priority", s.priority()),
                Map.entry("policy", s.missedRunPolicy().name()),
                Map.entry("maxMissed", s.maxMissedRuns()),
                Map.entry("paused", s.paused()),
                Map.entry("next", new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, at(s.nextRunAt()))),
                Map.entry("updatedAt", at(s.updatedAt())));
    }

    /** The schedule, if it is the owner's (any owner's for null); locked until the transaction ends. */
    Optional<Schedule> findForUpdate(UUID id, @Nullable Long ownerId) {
        return find(id, ownerId, " for update");
    }

    Optional<Schedule> find(UUID id, @Nullable Long ownerId) {
        return find(id, ownerId, "");
    }

    private Optional<Schedule> find(UUID id, @Nullable Long ownerId, String lock) {
        return jdbc.sql("select " + COLUMNS + """
                 from schedules
                where id = :id and owner_id = coalesce(cast(:owner as bigint), owner_id)""" + lock)
                .param("id", id)
                .param("owner", new SqlParameterValue(Types.BIGINT, ownerId))
                .query(ScheduleStore::schedule).optional();
    }

    /** The owner's schedules (everyone's for null), oldest first, at most {@code limit}. */
    List<Schedule> list(@Nullable Long ownerId, int limit) {
        return jdbc.sql("select " + COLUMNS + """
                 from schedules
                where owner_id = coalesce(cast(:owner as bigint), owner_id)
                order by created_at, id
                limit :limit""")
                .param("owner", new SqlParameterValue(Types.BIGINT, ownerId))
                .param("limit", limit)
                .query(ScheduleStore::schedule).list();
    }

    /** Deletes the schedule (its slots' rows go with it; its tasks stay) and returns it as it was. */
    Optional<Schedule> delete(UUID id, @Nullable Long ownerId) {
        return jdbc.sql("delete from schedules where id = :id and owner_id = coalesce(cast(:owner as bigint), owner_id)"
                + " returning " + COLUMNS)
                .param("id", id)
                .param("owner", new SqlParameterValue(Types.BIGINT, ownerId))
                .query(ScheduleStore::schedule).optional();
    }

    /**
     * Up to {@code limit} running schedules whose next slot is due at {@code now} (only the one with
     * id {@code only}, if given), locked until the caller's transaction ends; rows another gateway
     * holds are skipped, so gateways share the work instead of queueing on it.
     */
    List<Schedule> claimDue(Instant now, int limit, @Nullable UUID only) {
        return jdbc.sql("select " + COLUMNS + """
                 from schedules
                where not paused and next_run_at <= :now and id = coalesce(cast(:only as uuid), id)
                order by next_run_at
                limit :limit
                  for update skip locked""")
                .param("now", at(now))
                .param("limit", limit)
                .param("only", new SqlParameterValue(Types.OTHER, only))
                .query(ScheduleStore::schedule).list();
    }

    /** The ids of up to {@code limit} due schedules, without locking them. */
    List<UUID> dueIds(Instant now, int limit) {
        return jdbc.sql("""
                select id from schedules where not paused and next_run_at <= :now order by next_run_at limit :limit
                """)
                .param("now", at(now))
                .param("limit", limit)
                .query(UUID.class).list();
    }

    /**
     * Takes the slots (slot → the id its task will have); returns those this call took, oldest
     * first. A slot already taken (by any gateway, ever) is not returned, and its task must not be
     * created.
     */
    List<Instant> takeSlots(UUID scheduleId, Map<Instant, UUID> tasks) {
        List<OffsetDateTime> slots = new ArrayList<>(tasks.size());
        List<UUID> taskIds = new ArrayList<>(tasks.size());
        tasks.forEach((slot, taskId) -> {
            slots.add(at(slot));
            taskIds.add(taskId);
        });
        return jdbc.sql("""
                insert into schedule_slots (schedule_id, slot_at, task_id)
                select :schedule, s.slot_at, s.task_id
                  from unnest(cast(cast(:slots as text[]) as timestamptz[]), cast(:taskIds as uuid[]))
                       as s(slot_at, task_id)
                    on conflict do nothing
                returning slot_at
                """)
                .param("schedule", scheduleId)
                .param("slots", new SqlArrayValue("text", slots.stream().map(OffsetDateTime::toString).toArray()))
                .param("taskIds", new SqlArrayValue("uuid", taskIds.toArray()))
                .query((row, n) -> row.getObject(1, OffsetDateTime.class).toInstant()).list()
                .stream().sorted().toList();
    }

    /** Moves the schedule on after a tick: its next slot, the last one that got a task, the skipped count. */
    void advance(UUID id, @Nullable Instant nextRunAt, @Nullable Instant lastSlotAt, @Nullable UUID lastTaskId,
            long skipped) {
        jdbc.sql("""
                update schedules
                   set next_run_at = :next,
                       last_slot_at = coalesce(:lastSlot, last_slot_at),
                       last_task_id = coalesce(:lastTask, last_task_id),
                       skipped_slots = skipped_slots + :skipped
                 where id = :id
                """)
                .param("id", id)
                .param("next", new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, at(nextRunAt)))
                .param("lastSlot", new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, at(lastSlotAt)))
                .param("lastTask", new SqlParameterValue(Types.OTHER, lastTaskId))
                .param("skipped", skipped)
                .update();
    }

    /** A slot that got its task. */
    record Run(Instant slotAt, UUID taskId) {
    }

    /** The schedule's latest slots that got a task, newest first. */
    List<Run> recentRuns(UUID scheduleId, int limit) {
        return jdbc.sql("""
                select slot_at, task_id from schedule_slots where schedule_id = :schedule
                 order by slot_at desc limit :limit
                """)
                .param("schedule", scheduleId)
                .param("limit", limit)
                .query((row, n) -> new Run(row.getObject(1, OffsetDateTime.class).toInstant(),
                        row.getObject(2, UUID.class)))
                .list();
    }

    private static @Nullable OffsetDateTime at(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Schedule schedule(ResultSet row, int number) throws SQLException {
        return new Schedule(row.getObject(1, UUID.class), row.getLong(2), row.getString(3), row.getString(4),
                row.getString(5), row.getObject(6, Long.class), row.getString(7), row.getString(8), row.getInt(9),
                row.getObject(10, Integer.class), row.getInt(11), MissedRunPolicy.valueOf(row.getString(12)),
                row.getInt(13), row.getBoolean(14), instant(row, 15), instant(row, 16), row.getObject(17, UUID.class),
                row.getLong(18), instant(row, 19), instant(row, 20));
    }

    private static @Nullable Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
