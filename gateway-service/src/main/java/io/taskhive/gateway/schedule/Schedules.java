package io.taskhive.gateway.schedule;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.taskhive.gateway.security.CurrentUser;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.TaskIds;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creating, reading, changing and deleting schedules, with every check of their input: a refusal
 * is a 400 (409 for a name the owner already uses) before anything is stored. The task a schedule
 * holds is checked by the submission's own validation ({@link TaskSubmission#validate}). A user
 * reaches only their own schedules; an admin reaches everyone's.
 */
@Service
public class Schedules {

    static final int MAX_NAME_LENGTH = 100;
    static final long MAX_INTERVAL_SECONDS = 366L * 86_400;
    static final int DEFAULT_MAX_MISSED_RUNS = 10;
    private static final int MAX_LISTED = 1_000;
    private static final int RECENT_RUNS = 5;

    private final ScheduleStore store;
    private final TaskSubmission submission;
    private final ScheduleProperties properties;
    private final TransactionTemplate transactions;
    private final JsonMapper json;

    Schedules(ScheduleStore store, TaskSubmission submission, ScheduleProperties properties,
            PlatformTransactionManager transactionManager, JsonMapper json) {
        this.store = store;
        this.submission = submission;
        this.properties = properties;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
    }

    public ScheduleView create(CurrentUser user, @Nullable ScheduleRequest request) {
        if (request == null) {
            throw badRequest("a schedule object is required");
        }
        String name = name(request.name());
        Cadence.Cron cron = null;
        Long interval = null;
        if (request.cron() != null && request.intervalSeconds() != null) {
            throw badRequest("give either cron or intervalSeconds, not both");
        }
        String zone = null;
        if (request.cron() != null) {
            zone = zone(request.timeZone() == null ? "UTC" : request.timeZone());
            cron = cron(request.cron(), zone);
        } else if (request.intervalSeconds() != null) {
            if (request.timeZone() != null) {
                throw badRequest("timeZone goes with cron; an interval counts seconds");
            }
            interval = interval(request.intervalSeconds());
        } else {
            throw badRequest("give cron (with an optional timeZone) or intervalSeconds");
        }
        TaskSubmission.Validated task = task(request.task());
        MissedRunPolicy policy = request.missedRunPolicy() == null ? MissedRunPolicy.SKIP
                : policy(request.missedRunPolicy());
        int maxMissed = request.maxMissedRuns() == null
                ? Math.min(DEFAULT_MAX_MISSED_RUNS, properties.maxMissedRunsLimit())
                : maxMissedRuns(request.maxMissedRuns());
        boolean paused = Boolean.TRUE.equals(request.paused());
        Instant now = now();
        Schedule draft = new Schedule(TaskIds.next(), user.id(), name, cron == null ? null : request.cron().trim(),
                zone, interval, task.type(), task.payload(), task.maxAttempts(), task.timeoutSeconds(), task.priority(),
                policy,
                maxMissed, paused, null, null, null, 0, now, now);
        Schedule schedule = withNextRun(draft, now);
        try {
            transactions.executeWithoutResult(status -> {
                long owned = store.lockOwnerAndCount(user.id());
                if (owned >= properties.maxPerUser()) {
                    throw badRequest("you have " + owned + " schedules, the most one user may have ("
                            + properties.maxPerUser() + "); delete one first");
                }
                store.insert(schedule);
            });
        } catch (DuplicateKeyException e) {
            throw nameTaken(name);
        }
        return view(schedule, List.of());
    }

    public ScheduleView get(CurrentUser user, UUID id) {
        Schedule schedule = store.find(id, scope(user)).orElseThrow(() -> new ScheduleNotFoundException(id));
        return view(schedule, store.recentRuns(id, RECENT_RUNS));
    }

    /** The caller's schedules, oldest first; with {@code all}, an admin's list holds everyone's. */
    public List<ScheduleView> list(CurrentUser user, boolean all) {
        if (all && !user.admin()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "only an admin may list every user's schedules");
        }
        return store.list(all ? null : user.id(), MAX_LISTED).stream().map(s -> view(s, null)).toList();
    }

    /**
     * Applies the fields given. A new cadence, or a resume, starts from the first slot after now:
     * slots that passed while paused are not missed, they were not wanted.
     */
    public ScheduleView update(CurrentUser user, UUID id, @Nullable ScheduleChange change) {
        if (change == null) {
            throw badRequest("a schedule object is required");
        }
        if (change.cron() != null && change.intervalSeconds() != null) {
            throw badRequest("give either cron or intervalSeconds, not both");
        }
        // Checked before the transaction, so a refusal never waits for the row.
        String name = change.name() == null ? null : name(change.name());
        TaskSubmission.Validated task = change.task() == null ? null : task(change.task());
        MissedRunPolicy policy = change.missedRunPolicy() == null ? null : policy(change.missedRunPolicy());
        Integer maxMissed = change.maxMissedRuns() == null ? null : maxMissedRuns(change.maxMissedRuns());
        Long interval = change.intervalSeconds() == null ? null : interval(change.intervalSeconds());
        String zone = change.timeZone() == null ? null : zone(change.timeZone());
        try {
            Schedule updated = transactions.execute(status -> {
                Schedule s = store.findForUpdate(id, scope(user)).orElseThrow(() -> new ScheduleNotFoundException(id));
                String cron = s.cron();
                String timeZone = s.timeZone();
                Long every = s.intervalSeconds();
                if (change.cron() != null) {
                    timeZone = zone != null ? zone : timeZone != null ? timeZone : "UTC";
                    cron(change.cron(), timeZone);
                    cron = change.cron().trim();
                    every = null;
                } else if (interval != null) {
                    if (zone != null) {
                        throw badRequest("timeZone goes with cron; an interval counts seconds");
                    }
                    every = interval;
                    cron = null;
                    timeZone = null;
                } else if (zone != null) {
                    if (cron == null) {
                        throw badRequest("timeZone goes with cron; this schedule runs every " + every + " s");
                    }
                    timeZone = zone;
                }
                boolean cadenceChanged = !java.util.Objects.equals(cron, s.cron())
                        || !java.util.Objects.equals(timeZone, s.timeZone())
                        || !java.util.Objects.equals(every, s.intervalSeconds());
                boolean paused = change.paused() == null ? s.paused() : change.paused();
                Instant now = now();
                Schedule next = new Schedule(s.id(), s.ownerId(), name == null ? s.name() : name, cron, timeZone,
                        every, task == null ? s.taskType() : task.type(),
                        task == null ? s.taskPayload() : task.payload(),
                        task == null ? s.maxAttempts() : task.maxAttempts(),
                        task == null ? s.timeoutSeconds() : task.timeoutSeconds(),
                        task == null ? s.priority() : task.priority(),
                        policy == null ? s.missedRunPolicy() : policy,
                        maxMissed == null ? s.maxMissedRuns() : maxMissed,
                        paused, s.nextRunAt(), s.lastSlotAt(), s.lastTaskId(), s.skippedSlots(), s.createdAt(), now);
                if (paused || cadenceChanged || s.paused()) {
                    next = withNextRun(next, now);
                }
                store.update(next);
                return next;
            });
            return view(updated, store.recentRuns(id, RECENT_RUNS));
        } catch (DuplicateKeyException e) {
            throw nameTaken(change.name());
        }
    }

    /** Deletes it; the tasks it created stay. Returns it as it was (no next run: it has none now). */
    public ScheduleView delete(CurrentUser user, UUID id) {
        Schedule deleted = store.delete(id, scope(user)).orElseThrow(() -> new ScheduleNotFoundException(id));
        return view(deleted.withNextRunAt(null), null);
    }

    /** Null (everyone's) for an admin. */
    private static @Nullable Long scope(CurrentUser user) {
        return user.admin() ? null : user.id();
    }

    /** Its next slot after {@code now}; none while paused. */
    private static Schedule withNextRun(Schedule s, Instant now) {
        return s.withNextRunAt(s.paused() ? null : s.firstSlotAfter(now));
    }

    ScheduleView view(Schedule s, @Nullable List<ScheduleStore.Run> recent) {
        List<Instant> upcoming = new ArrayList<>(properties.nextRunTimes());
        if (!s.paused() && s.nextRunAt() != null) {
            Cadence cadence = s.cadence();
            for (Instant slot = s.nextRunAt(); slot != null && upcoming.size() < properties.nextRunTimes();
                    slot = cadence.next(slot)) {
                upcoming.add(slot);
            }
        }
        return new ScheduleView(s.id(), s.ownerId(), s.name(), s.cron(), s.timeZone(), s.intervalSeconds(),
                new ScheduleView.TaskTemplate(s.taskType(), json.readTree(s.taskPayload()), s.maxAttempts(),
                        s.timeoutSeconds(), s.priority()),
                s.missedRunPolicy(), s.maxMissedRuns(), s.paused(), s.paused() ? null : s.nextRunAt(),
                List.copyOf(upcoming), s.lastSlotAt(), s.lastTaskId(), s.skippedSlots(),
                recent == null ? null : recent.stream().map(r -> new ScheduleView.RunView(r.slotAt(), r.taskId()))
                        .toList(),
                s.createdAt(), s.updatedAt());
    }

    /** The submission's checks; when it runs is the slot's to say, not the task's. */
    private TaskSubmission.Validated task(io.taskhive.gateway.task.SubmitTaskRequest request) {
        TaskSubmission.Validated task = submission.validate(request, "task: ");
        if (request.runAt() != null || request.delay() != null) {
            throw badRequest("task: runAt and delay do not apply to a schedule's task, which runs at each slot");
        }
        return task;
    }

    private static String name(@Nullable String name) {
        if (name == null || name.isBlank()) {
            throw badRequest("name is required");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw badRequest("name is at most " + MAX_NAME_LENGTH + " characters, not " + trimmed.length());
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw badRequest("name must not contain control characters");
        }
        return trimmed;
    }

    private static String zone(String zone) {
        try {
            return ZoneId.of(zone.strip()).getId();
        } catch (DateTimeException e) {
            throw badRequest("timeZone '" + zone + "' is not a known time zone (an IANA name such as "
                    + "Europe/Madrid, or UTC)");
        }
    }

    private static Cadence.Cron cron(String expression, String zone) {
        CronExpression parsed;
        try {
            parsed = CronExpression.parse(expression.strip());
        } catch (IllegalArgumentException e) {
            throw badRequest("cron '" + expression + "' is not valid: " + e.getMessage()
                    + " (six fields, seconds first, such as '0 0 9 * * MON-FRI', or @hourly/@daily/...)");
        }
        Cadence.Cron cron = new Cadence.Cron(parsed, ZoneId.of(zone));
        if (cron.next(Instant.now()) == null) {
            throw badRequest("cron '" + expression + "' never fires");
        }
        return cron;
    }

    private long interval(long seconds) {
        long min = Math.max(1, properties.minInterval().toSeconds());
        if (seconds < min || seconds > MAX_INTERVAL_SECONDS) {
            throw badRequest("intervalSeconds must be between " + min + " and " + MAX_INTERVAL_SECONDS + ", not "
                    + seconds);
        }
        return seconds;
    }

    private static MissedRunPolicy policy(String policy) {
        try {
            return MissedRunPolicy.valueOf(policy.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("missedRunPolicy must be one of " + List.of(MissedRunPolicy.values()) + ", not '"
                    + policy + "'");
        }
    }

    private int maxMissedRuns(int value) {
        if (value < 1 || value > properties.maxMissedRunsLimit()) {
            throw badRequest("maxMissedRuns must be between 1 and " + properties.maxMissedRunsLimit());
        }
        return value;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    private static ApiException nameTaken(@Nullable String name) {
        return new ApiException(HttpStatus.CONFLICT, "you already have a schedule named '"
                + (name == null ? "" : name.strip()) + "'");
    }
}
