package io.taskhive.gateway.task;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.taskhive.gateway.GatewayProperties;
import io.taskhive.gateway.web.ApiException;
import io.taskhive.task.store.DispatchBacklog;
import io.taskhive.task.store.DispatchStore;
import io.taskhive.task.store.OwnerLoad;

/**
 * Decides, for new tasks, between publishing them at once and holding them back for the
 * {@link FairDispatch} rounds, and refuses what would take a user past their limit of waiting
 * tasks.
 *
 * <p>At once is the common case, and costs a submission nothing: while the workers keep up (fewer
 * than {@code dispatch.ahead} tasks published and not started), no task is held anywhere, and the
 * owner is below their limit of running tasks. Otherwise a new task would queue behind everyone's
 * backlog in the broker, first come first served; held, it is published by a round, which orders
 * by priority and takes the owners in turn.
 *
 * <p>The counts decided by are at most {@code dispatch.counts-max-age} old, plus what this gateway
 * admitted since: one query per owner per interval, not per task. With several gateways, each
 * counts only its own admissions since, so a user can pass a limit by what the other gateways
 * admitted for them within one interval (bounded by the submission rate limit); the rounds, one
 * gateway at a time, never do. An owner's count of waiting tasks, once past ten thousand, is read
 * proportionally less often ({@link WaitingRecount}), except when it would refuse them.
 */
@Component
class DispatchAdmission {

    private final DispatchStore store;
    private final GatewayProperties.Dispatch dispatch;
    private final GatewayProperties.Quotas quotas;
    private final long maxAgeNanos;
    private final WaitingRecount waitingRecount;
    private final ConcurrentMap<Long, OwnerCounts> owners = new ConcurrentHashMap<>();
    private volatile Snapshot backlog = new Snapshot(new DispatchBacklog(false, 0), Long.MIN_VALUE);
    private final AtomicLong publishedSinceSnapshot = new AtomicLong();

    DispatchAdmission(DispatchStore store, GatewayProperties properties) {
        this.store = store;
        this.dispatch = properties.dispatch();
        this.quotas = properties.quotas();
        this.maxAgeNanos = properties.dispatch().countsMaxAge().toNanos();
        this.waitingRecount = new WaitingRecount(properties.dispatch().countsMaxAge());
    }

    private record Snapshot(DispatchBacklog backlog, long at) {
    }

    /**
     * For {@code immediate} new tasks of one owner (to run now) and {@code scheduled} ones (to run
     * later): whether to publish the immediate ones now (false: hold them). Throws a 429 if they
     * would take the owner past their limit of waiting tasks; nothing is counted then.
     */
    boolean admit(long ownerId, int immediate, int scheduled) {
        OwnerCounts counts = owners.computeIfAbsent(ownerId, OwnerCounts::new);
        synchronized (counts) {
            counts.refreshIfStale(immediate + scheduled);
            long waiting = counts.load.waiting() + counts.waitingSince;
            if (waiting + immediate + scheduled > counts.load.maxQueued()) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "you have " + waiting + " tasks waiting to run "
                        + "and may have at most " + counts.load.maxQueued() + "; submit more once some have started");
            }
            counts.waitingSince += immediate + scheduled;
            if (immediate == 0) {
                return true;
            }
            boolean now = workersKeepUp(immediate)
                    && counts.load.inFlight() + counts.inFlightSince + immediate <= counts.load.maxRunning();
            if (now) {
                counts.inFlightSince += immediate;
                publishedSinceSnapshot.addAndGet(immediate);
            }
            return now;
        }
    }

    private boolean workersKeepUp(int tasks) {
        Snapshot current = backlog;
        if (System.nanoTime() - current.at > 4 * maxAgeNanos) {
            // no round has counted lately (the database away, the gateway starting): publish, as
            // before fair dispatch existed, rather than hold tasks nobody may be there to publish
            return true;
        }
        return !current.backlog.anyHeld()
                && current.backlog.dispatched() + publishedSinceSnapshot.get() + tasks <= dispatch.ahead();
    }

    /** A round's count of the backlog; what this gateway published before it is in it. */
    void counted(DispatchBacklog counted) {
        publishedSinceSnapshot.set(0);
        backlog = new Snapshot(counted, System.nanoTime());
        long stale = System.nanoTime() - 60 * maxAgeNanos;
        owners.values().removeIf(counts -> counts.at - stale < 0);
    }

    /** The counts of one owner, refreshed from the database when older than the limit. */
    private final class OwnerCounts {

        private final long ownerId;
        private OwnerLoad load;
        private long at = Long.MIN_VALUE;
        private long waitingAt;
        private long inFlightSince;
        private long waitingSince;

        OwnerCounts(long ownerId) {
            this.ownerId = ownerId;
        }

        void refreshIfStale(int adding) {
            long now = System.nanoTime();
            boolean countWaiting = load == null
                    || waitingRecount.due(load.waiting(), waitingSince, adding, load.maxQueued(), now - waitingAt);
            if (!countWaiting && now - at <= maxAgeNanos) {
                return;
            }
            OwnerLoad counted = store.ownerLoad(ownerId, quotas.maxRunning(), quotas.maxQueued(), countWaiting);
            if (!countWaiting && load.waiting() + waitingSince + adding > counted.maxQueued()) {
                // their limit was lowered meanwhile: a refusal is decided by a fresh count
                counted = store.ownerLoad(ownerId, quotas.maxRunning(), quotas.maxQueued(), true);
                countWaiting = true;
            }
            if (countWaiting) {
                load = counted;
                waitingAt = now;
                waitingSince = 0;
            } else {
                load = new OwnerLoad(counted.maxRunning(), counted.maxQueued(), counted.inFlight(), load.waiting());
            }
            at = now;
            inFlightSince = 0;
        }
    }
}
