package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.OutageLog;
import io.taskhive.task.Task;
import io.taskhive.task.store.DispatchBacklog;
import io.taskhive.task.store.DispatchStore;

/**
 * The dispatch rounds: publishes held tasks ({@link DispatchAdmission}) as the workers make room,
 * in the order that makes priorities and fairness hold ({@link DispatchStore#dispatchHeld}).
 *
 * <p>Every gateway runs rounds, every {@code dispatch.round-interval} or sooner when a submission
 * held a task (but no sooner than {@link #WOKEN_ROUNDS_GAP} after the last round started); a round
 * counts the backlog, and if anything is held and fewer than {@code dispatch.ahead} tasks are
 * published and not started, takes a transaction-scoped advisory lock (another gateway's round in
 * progress: it skips) and marks up to the room left, then publishes what it marked. One round at
 * a time across gateways, so the limits are counted with every earlier round's tasks in; a round's
 * lock is released by its commit, so no gateway's death can hold it. A marked task whose publish
 * fails is published by the outbox relay, as any other.
 *
 * <p>A thread of its own rather than a {@link io.taskhive.gateway.BackgroundJob}: a held submission
 * wakes it at once ({@link #wake}), which a scheduled executor's planned run cannot be made to do.
 */
@Component
class FairDispatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FairDispatch.class);
    /** Between rounds while held tasks are being published. */
    private static final long BUSY_PAUSE_MILLIS = 10;
    /** The least time from one round's start to the next that a held submission woke ({@link RoundWakeUps}). */
    private static final Duration WOKEN_ROUNDS_GAP = Duration.ofMillis(10);

    private final DispatchStore store;
    private final DispatchAdmission admission;
    private final TaskDispatcher dispatcher;
    private final TransactionTemplate transaction;
    private final GatewayProperties properties;
    private final Counter dispatched;
    private final Timer rounds;
    private final RoundWakeUps wakeUps = new RoundWakeUps(WOKEN_ROUNDS_GAP);
    private volatile Thread runner;
    private final OutageLog outage = new OutageLog(log, "dispatch rounds");

    FairDispatch(DispatchStore store, DispatchAdmission admission, TaskDispatcher dispatcher,
            TransactionTemplate transaction, GatewayProperties properties, MeterRegistry meters) {
        this.store = store;
        this.admission = admission;
        this.dispatcher = dispatcher;
        this.transaction = transaction;
        this.properties = properties;
        this.dispatched = Counter.builder("taskhive.dispatch.released")
                .description("Held tasks published by the fair dispatch rounds").register(meters);
        this.rounds = Timer.builder("taskhive.dispatch.rounds")
                .description("Dispatch rounds run by this gateway (each counts the backlog), and how long each took")
                .register(meters);
    }

    /** A task was held: run a round now rather than at the next interval. */
    void wake() {
        wakeUps.wake();
    }

    /** One round; returns how many held tasks it published. */
    int round() {
        DispatchBacklog backlog = Objects.requireNonNull(transaction.execute(status -> store.backlog()));
        admission.counted(backlog);
        long room = properties.dispatch().ahead() - backlog.dispatched();
        if (!backlog.anyHeld() || room <= 0 || dispatcher.brokerDown()) {
            return 0;
        }
        int limit = (int) Math.min(room, properties.dispatch().roundSize());
        List<Task> marked = transaction.execute(status -> store.tryLockRound()
                ? store.dispatchHeld(limit, properties.quotas().maxRunning(), properties.outbox().confirmGrace())
                : List.of());
        if (marked != null && !marked.isEmpty()) {
            dispatched.increment(marked.size());
            dispatcher.dispatch(marked);
            return marked.size();
        }
        return 0;
    }

    private void run() {
        long interval = Math.max(1, properties.dispatch().roundInterval().toMillis());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long started = System.nanoTime();
                int published = rounds.record(this::round);
                outage.succeeded();
                // A full round: more may wait, and room may be left: go on. A round that found
                // room: the workers are taking tasks, so room comes back soon. Otherwise, wait.
                if (published < properties.dispatch().roundSize()) {
                    wakeUps.awaitNextRound(started,
                            Duration.ofMillis(published > 0 ? Math.min(interval, BUSY_PAUSE_MILLIS) : interval));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (DataAccessException e) {
                outage.failed(e);
                pause(interval);
            } catch (RuntimeException e) {
                log.warn("dispatch round failed", e);
                pause(interval);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        runner = Thread.ofPlatform().daemon().name("fair-dispatch").start(this::run);
    }

    @Override
    public void stop() {
        Thread thread = runner;
        runner = null;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return runner != null;
    }
}
