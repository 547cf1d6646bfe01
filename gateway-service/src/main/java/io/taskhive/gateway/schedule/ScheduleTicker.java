package io.taskhive.gateway.schedule;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.gateway.BackgroundJob;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.OutageLog;
import io.taskhive.gateway.task.TaskSubmission;
import io.taskhive.task.Task;
import io.taskhive.task.TaskIds;
import io.taskhive.task.store.NewTask;
import io.taskhive.task.store.TaskStore;

/**
 * Creates the tasks of due slots, in every gateway, every {@code tick-interval}. One transaction
 * claims a batch of due schedules ({@code FOR UPDATE SKIP LOCKED}: another gateway's ticker skips
 * them rather than waiting), takes each slot's {@code schedule_slots} row, stores the slot's task
 * as QUEUED through the {@link TaskStore}, and moves {@code next_run_at} on; after the commit the
 * tasks are published as a submission's are (and the outbox relay covers a broker that is down).
 * A slot whose row exists already (taken by any gateway, at any time) gets no second task, so
 * exactly one task per slot holds with any number of gateways, through restarts and clock
 * differences, without a leader.
 *
 * <p>A thread of its own, as {@code RetentionPurge}'s, so a slow tick never holds up the
 * {@code @Scheduled} outbox relay.
 */
@Component
public class ScheduleTicker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ScheduleTicker.class);

    private final ScheduleStore store;
    private final TaskStore tasks;
    private final TaskSubmission submission;
    private final ScheduleProperties properties;
    private final GatewayProperties gateway;
    private final TransactionTemplate transactions;
    private final Counter created;
    private final Counter skipped;
    private final BackgroundJob runner = new BackgroundJob("schedule-ticker");
    private final OutageLog outage = new OutageLog(log, "schedule ticks");

    ScheduleTicker(ScheduleStore store, TaskStore tasks, TaskSubmission submission, ScheduleProperties properties,
            GatewayProperties gateway, PlatformTransactionManager transactionManager, MeterRegistry meters) {
        this.store = store;
        this.tasks = tasks;
        this.submission = submission;
        this.properties = properties;
        this.gateway = gateway;
        this.transactions = new TransactionTemplate(transactionManager);
        this.created = Counter.builder("taskhive.schedules.tasks")
                .description("Tasks created by recurring schedules' slots").register(meters);
        this.skipped = Counter.builder("taskhive.schedules.skipped")
                .description("Missed slots of recurring schedules that their policy gave no task").register(meters);
    }

    /** What the tasks of one transaction are, for their publication after its commit. */
    private record Stored(List<Task> tasks, Map<UUID, Long> transitions, int schedules) {
    }

    /**
     * One tick: batches of due schedules until none is left. Returns the tasks created. A batch that
     * fails is retried one schedule at a time, so one broken schedule cannot hold up the others.
     */
    public int tick() {
        int total = 0;
        while (true) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Stored stored;
            try {
                stored = transactions.execute(status -> runDue(now, properties.batchSize(), null));
            } catch (DataAccessResourceFailureException | TransientDataAccessException
                    | TransactionException e) {
                throw e; // the database is away: the next tick tries again
            } catch (RuntimeException e) {
                log.warn("a batch of schedules failed; taking them one at a time", e);
                stored = oneByOne(now);
            }
            publish(stored);
            total += stored.tasks().size();
            if (stored.schedules() < properties.batchSize()) {
                return total;
            }
        }
    }

    /** Each due schedule in a transaction of its own; one that fails waits for the next tick. */
    private Stored oneByOne(Instant now) {
        List<Task> all = new ArrayList<>();
        Map<UUID, Long> transitions = new HashMap<>();
        for (UUID id : store.dueIds(now, properties.batchSize())) {
            try {
                Stored one = transactions.execute(status -> runDue(now, 1, id));
                all.addAll(one.tasks());
                transitions.putAll(one.transitions());
            } catch (RuntimeException e) {
                log.warn("schedule {}: its due slots failed; tried again next tick", id, e);
            }
        }
        // counted as less than a batch: this tick ends here, the next goes on
        return new Stored(all, transitions, 0);
    }

    private Stored runDue(Instant now, int limit, @Nullable UUID only) {
        List<Schedule> due = store.claimDue(now, limit, only);
        List<NewTask> newTasks = new ArrayList<>();
        Map<UUID, String> details = new HashMap<>();
        for (Schedule schedule : due) {
            SlotPlan plan = SlotPlan.at(schedule.cadence(), schedule.nextRunAt(), now, schedule.missedRunPolicy(),
                    schedule.maxMissedRuns(), properties.lateAfter());
            Map<Instant, NewTask> bySlot = new LinkedHashMap<>();
            Map<Instant, UUID> ids = new LinkedHashMap<>();
            for (Instant slot : plan.run()) {
                // Held, as a delayed task when it is released: the dispatch round publishes it in
                // priority and fair order, within its owner's limit of running tasks.
                NewTask task = new NewTask(TaskIds.next(), schedule.ownerId(), schedule.taskType(),
                        schedule.taskPayload(), schedule.maxAttempts(), schedule.timeoutSeconds(), null, now, null,
                        null, schedule.priority(), true);
                bySlot.put(slot, task);
                ids.put(slot, task.id());
            }
            List<Instant> taken = ids.isEmpty() ? List.of() : store.takeSlots(schedule.id(), ids);
            NewTask last = null;
            for (Instant slot : taken) {
                NewTask task = bySlot.get(slot);
                newTasks.add(task);
                details.put(task.id(), "created by schedule " + schedule.id() + " for its slot " + slot);
                last = task;
            }
            store.advance(schedule.id(), plan.nextRunAt(), taken.isEmpty() ? null : taken.getLast(),
                    last == null ? null : last.id(), plan.skipped());
            int alreadyTaken = plan.run().size() - taken.size();
            if (plan.skipped() > 0 || alreadyTaken > 0) {
                skipped.increment(plan.skipped());
                log.info("schedule {} ({}): {} missed slot(s) skipped by its policy {}, {} slot(s) already had "
                        + "their task", schedule.id(), schedule.name(), plan.skipped(), schedule.missedRunPolicy(),
                        alreadyTaken);
            }
        }
        Map<UUID, Long> transitions = newTasks.isEmpty() ? Map.of()
                : tasks.insert(newTasks, gateway.outbox().confirmGrace(), details);
        return new Stored(newTasks.stream().map(NewTask::stored).toList(), transitions, due.size());
    }

    private void publish(Stored stored) {
        if (!stored.tasks().isEmpty()) {
            created.increment(stored.tasks().size());
            submission.publishStored(stored.tasks(), stored.transitions());
        }
    }

    private void scheduledTick() {
        try {
            tick();
            outage.succeeded();
        } catch (DataAccessException | TransactionException e) {
            // slots missed meanwhile follow their schedule's policy once the database is back
            outage.failed(e);
        } catch (RuntimeException e) {
            // an unexpected failure must not end the ticks (the executor would drop the schedule)
            log.warn("schedule tick failed", e);
        }
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("recurring schedules: this gateway creates no task from them (taskhive.schedules.enabled=false)");
            return;
        }
        runner.startWithFixedDelay(this::scheduledTick, properties.tickInterval());
    }

    @Override
    public void stop() {
        runner.stop();
    }

    @Override
    public boolean isRunning() {
        return runner.isRunning();
    }
}
