package io.taskhive.task.store;

import java.time.Duration;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.taskhive.task.Task;

/**
 * Fair dispatch on the {@code tasks} rows. A QUEUED task with {@code dispatch_seq = 0} is held: stored,
 * never published. The gateways' dispatch rounds publish held tasks a batch at a time, in the order
 * that makes priorities and fairness hold (highest priority first; within a priority, each owner's
 * first waiting task before anyone's second), and never more of one owner's than their limit of
 * running tasks leaves room for.
 */
@Component
public class DispatchStore {

    /** Key of the advisory lock that lets one gateway at a time run a dispatch round. */
    private static final long ROUND_LOCK = 0x7461736b68697665L; // "taskhive"

    private final JdbcClient jdbc;

    DispatchStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What {@link #backlog} reads. */
    static final String BACKLOG = """
            select (select owner_id from tasks where status = 'QUEUED' and dispatch_seq = 0
                     order by owner_id desc limit 1) is not null,
                   (select count(*) from tasks where status = 'QUEUED' and dispatch_seq > 0)
            """;

    /**
     * Whether any task is held, and how many tasks are published but not started yet (in the
     * broker or a worker's prefetch): how far the workers are behind. Run it in a transaction, as
     * a dispatch round does.
     *
     * <p>Without bitmap scans for the count, in that transaction: every task that started since the
     * last vacuum left an entry in {@code tasks_dispatched}. A bitmap scan reads the heap page of
     * each such entry at every call (it never marks an entry dead): 31 ms a call, several times a
     * second, once a burst of 20,000 tasks had gone through. An index-only scan marks them dead the
     * first time and passes over them after that, reading the index alone.
     *
     * <p>Whether any is held is asked as the last entry of {@code tasks_held}. Asked as
     * {@code exists}, it was answered by reading the table from its start whenever the statistics
     * had been taken while many tasks were held (expecting one within the first rows): 7,886
     * buffers and 82 ms a call in a burst, however few were held by then. From the index's end:
     * its entries stay until the table's next vacuum, those of tasks published since included, and
     * a round publishes each owner's tasks from the start of the owner's entries (highest priority,
     * oldest); the last entry is the one published last, so it is the one still held.
     */
    public DispatchBacklog backlog() {
        jdbc.sql("set local enable_bitmapscan = off").update();
        return jdbc.sql(BACKLOG).query((row, number) -> new DispatchBacklog(row.getBoolean(1), row.getLong(2)))
                .single();
    }

    /**
     * Takes the round's lock for the current transaction, if no other gateway holds it. Must run
     * in the same transaction as {@link #dispatchHeld}, which then sees every earlier round.
     */
    public boolean tryLockRound() {
        return jdbc.sql("select pg_try_advisory_xact_lock(:key)").param("key", ROUND_LOCK).query(Boolean.class)
                .single();
    }

    /**
     * A dispatch round's statement (see {@link #dispatchHeld}).
     *
     * <p>The owners are found from the end of {@code tasks_held} (each owner's last entry, see
     * {@link #backlog}); only the walk through each owner's own entries, in the order they are
     * published, passes over those of the owner's tasks published since the last vacuum.
     *
     * <p>{@code dispatch_seq + 0} in the update: written {@code dispatch_seq = 0}, the condition
     * matched the predicate of the partial index {@code tasks_held}, and the statistics' count of
     * held tasks lags behind a flood (autovacuum off, or a large table analysed only after 10 % of
     * it changed). Expecting one held task, PostgreSQL hashed every entry of that index to find
     * the chosen ones: 0.45 s a round with a million held, every round until the next
     * {@code ANALYZE}. Off that index, the cheapest way left is a primary-key lookup for each chosen
     * task, however stale the statistics. The condition is still checked on the row version
     * the update locks, so a task claimed or cancelled meanwhile is left alone.
     */
    static final String DISPATCH_HELD = """
            with recursive owners(owner_id) as (
                (select owner_id from tasks where status = 'QUEUED' and dispatch_seq = 0
                  order by owner_id desc limit 1)
                union all
                select (select t.owner_id from tasks t
                         where t.status = 'QUEUED' and t.dispatch_seq = 0 and t.owner_id < o.owner_id
                         order by t.owner_id desc limit 1)
                  from owners o where o.owner_id is not null
            ), budgets as (
                select o.owner_id,
                       coalesce(u.max_running, :defaultMaxRunning)
                         - (select count(*) from tasks r where r.owner_id = o.owner_id and r.status = 'RUNNING')
                         - (select count(*) from tasks q
                             where q.owner_id = o.owner_id and q.status = 'QUEUED' and q.dispatch_seq > 0)
                         as free
                  from owners o join users u on u.id = o.owner_id
            ), candidates as (
                select c.id, c.priority, c.created_at, c.turn
                  from budgets b
                  cross join lateral (
                      select t.id, t.priority, t.created_at,
                             row_number() over (order by t.priority desc, t.created_at, t.id) as turn
                        from tasks t
                       where t.owner_id = b.owner_id and t.status = 'QUEUED' and t.dispatch_seq = 0
                       order by t.priority desc, t.created_at, t.id
                       limit greatest(least(b.free, :limit), 0)
                  ) c
            ), chosen as (
                select id, row_number() over (order by priority desc, turn, created_at, id) as place
                  from candidates
                 order by priority desc, turn, created_at, id limit :limit
            ), marked as (
                update tasks t
                   set dispatch_seq = t.dispatch_seq + 1,
                       dispatch_due_at = now() + make_interval(secs => :confirmGraceSeconds),
                       version = t.version + 1
                  from chosen c
                 where t.id = c.id and t.status = 'QUEUED' and t.dispatch_seq + 0 = 0
                returning t.*, c.place
            )
            select %s from marked t order by t.place
            """.formatted(Rows.TASK_COLUMNS);

    /**
     * Marks up to {@code limit} held tasks for publication now (their outbox mark due
     * {@code confirmGrace} from now, so the relay publishes them should this gateway not) and
     * returns them in the order to publish them: priority first, then each owner in turn, then
     * age (a round publishes up to a thousand at once: the order within it decides who starts
     * first). No owner gets more than their limit of running tasks ({@code users.max_running}, else
     * {@code defaultMaxRunning}) minus those running or published and not started yet.
     */
    public List<Task> dispatchHeld(int limit, int defaultMaxRunning, Duration confirmGrace) {
        return jdbc.sql(DISPATCH_HELD)
                .param("limit", limit)
                .param("defaultMaxRunning", defaultMaxRunning)
                .param("confirmGraceSeconds", Rows.seconds(confirmGrace))
                .query(Rows::task).list();
    }

    /**
     * One owner's load against their limits (each the owner's own, else the default): tasks
     * running or published and not started, and tasks waiting (SCHEDULED, QUEUED, RETRYING).
     */
    public OwnerLoad ownerLoad(long ownerId, int defaultMaxRunning, int defaultMaxQueued) {
        return ownerLoad(ownerId, defaultMaxRunning, defaultMaxQueued, true);
    }

    /**
     * As {@link #ownerLoad(long, int, int)}; with {@code countWaiting} false the waiting tasks are
     * not counted (given as 0). That count reads an entry and a row of each waiting task, and a
     * user may have a hundred thousand waiting; the others read only what is running or about to.
     */
    public OwnerLoad ownerLoad(long ownerId, int defaultMaxRunning, int defaultMaxQueued, boolean countWaiting) {
        return jdbc.sql("""
                select coalesce(u.max_running, :defaultMaxRunning), coalesce(u.max_queued, :defaultMaxQueued),
                       (select count(*) from tasks r where r.owner_id = u.id and r.status = 'RUNNING')
                       + (select count(*) from tasks q where q.owner_id = u.id and q.status = 'QUEUED'
                                                          and q.dispatch_seq > 0),
                       case when :countWaiting then
                           (select count(*) from tasks w where w.owner_id = u.id
                                                         and w.status in ('SCHEDULED', 'QUEUED', 'RETRYING'))
                       else 0 end
                  from users u where u.id = :ownerId
                """)
                .param("ownerId", ownerId)
                .param("defaultMaxRunning", defaultMaxRunning)
                .param("defaultMaxQueued", defaultMaxQueued)
                .param("countWaiting", countWaiting)
                .query((row, number) -> new OwnerLoad(row.getInt(1), row.getInt(2), row.getLong(3), row.getLong(4)))
                .optional().orElse(new OwnerLoad(defaultMaxRunning, defaultMaxQueued, 0, 0));
    }
}
