package io.taskhive.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Turns many concurrent requests for the same kind of work into few batches: whoever arrives while
 * a batch is being done waits for the next one, which takes everything that has arrived by then
 * (up to {@code maxBatch}). Nothing ever waits for a batch to fill: alone, a request is done at
 * once, as a batch of one; under load batches grow by themselves, and so does throughput, since a
 * database commit or a broker round trip costs about the same for one item as for hundreds.
 *
 * <p>A caller of {@link #callAndWait} or {@link #submitUnordered} does a batch itself when a batch
 * slot is free, rather than hand it to a runner thread (and, for {@code callAndWait}, wait to be
 * woken): thread switches less on the path of every request when the system is quiet. {@link #submitInOrder} never
 * blocks its caller: runners do its batches, in the order submitted.
 *
 * <p>{@code work} gets the items of a batch and returns one result per item, in the same order.
 * If it throws, every request of that batch fails with the same exception.
 *
 * @param <I> a request
 * @param <O> its result
 */
public final class Coalescer<I, O> implements AutoCloseable {

    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    /** How often an idle runner looks whether it should stop (it is never interrupted mid-batch). */
    private static final long IDLE_CHECK_MILLIS = 100;

    private final int maxBatch;
    private final Function<List<I>, List<O>> work;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    /** Batches in progress, by runners or callers: at most {@code concurrency}. */
    private final Semaphore slots;
    private final List<Thread> runners = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param name        names the threads that do the work
     * @param concurrency batches done at the same time (a second one gathers while the first runs)
     */
    public Coalescer(String name, int maxBatch, int concurrency, Function<List<I>, List<O>> work) {
        if (maxBatch < 1 || concurrency < 1) {
            throw new IllegalArgumentException("maxBatch and concurrency must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.work = work;
        this.slots = new Semaphore(concurrency, true);
        for (int i = 0; i < concurrency; i++) {
            runners.add(Thread.ofVirtual().name(name + "-" + i).start(this::run));
        }
    }

    /**
     * Queues the item after those queued before it, and returns at once; the future completes with
     * its result once a runner has done its batch.
     */
    public CompletableFuture<O> submitInOrder(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        enqueue(pending);
        return pending.result();
    }

    /**
     * Does the item, and whatever else is waiting, as a batch on the calling thread when a slot is
     * free; otherwise waits for the batch that takes it (on a virtual thread this costs no platform
     * thread). If the caller is interrupted before its item is in a batch, the item is withdrawn
     * and nothing is done; once it is, the call waits for the outcome (which then happened, and
     * the caller must know it) and returns it with the interrupt flag set again.
     */
    public O callAndWait(I item) throws InterruptedException {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        if (!doneHere(pending, true)) {
            enqueue(pending);
        }
        try {
            return unwrap(pending.result(), true);
        } catch (InterruptedException e) {
            if (queue.remove(pending)) {
                throw e;
            }
            O result = unwrap(pending.result(), false);
            Thread.currentThread().interrupt();
            return result;
        }
    }

    /**
     * Does the item on the calling thread, as a batch of its own, when a slot is free; otherwise
     * queues it for a runner and returns at once. It leaves the queue alone: what was submitted
     * keeps its order (a runner may hold the item before, while what follows is still queued).
     * The offered item itself may go out before items submitted earlier: offer only items that
     * need no order relative to the others.
     */
    public CompletableFuture<O> submitUnordered(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        boolean done;
        try {
            done = doneHere(pending, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // not for this thread to wait: a runner does it
            done = false;
        }
        if (!done) {
            enqueue(pending);
        }
        return pending.result();
    }

    /**
     * When a slot is free, does the item on the calling thread (in a batch after whatever is
     * waiting, with {@code withQueued}) and returns true; false if every slot is busy.
     */
    private boolean doneHere(Pending<I, O> pending, boolean withQueued) throws InterruptedException {
        if (closed) {
            pending.result().completeExceptionally(new IllegalStateException("shutting down"));
            return true;
        }
        if (!slots.tryAcquire(0, TimeUnit.SECONDS)) { // unlike tryAcquire(), lets a waiting runner go first
            return false;
        }
        try {
            List<Pending<I, O>> batch = new ArrayList<>();
            if (withQueued) {
                queue.drainTo(batch, maxBatch - 1);
            }
            batch.add(pending);
            execute(batch);
        } finally {
            slots.release();
        }
        return true;
    }

    private void enqueue(Pending<I, O> pending) {
        if (closed) {
            pending.result().completeExceptionally(new IllegalStateException("shutting down"));
            return;
        }
        queue.add(pending);
        if (closed && queue.remove(pending)) { // closed meanwhile: the runners may have gone already
            pending.result().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }

    private O unwrap(CompletableFuture<O> result, boolean interruptible) throws InterruptedException {
        try {
            if (interruptible) {
                return result.get();
            }
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return result.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        while (true) {
            Pending<I, O> first;
            try {
                first = queue.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                continue;
            }
            // The semaphore is fair and callers honour that, so a waiting runner is next for a slot.
            slots.acquireUninterruptibly();
            try {
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                execute(batch);
            } finally {
                slots.release();
                batch.clear();
            }
        }
        failRemaining();
    }

    private void execute(List<Pending<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        for (Pending<I, O> pending : batch) {
            items.add(pending.item());
        }
        try {
            List<O> results = work.apply(items);
            if (results.size() != batch.size()) {
                throw new IllegalStateException(results.size() + " results for " + batch.size() + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException | Error e) {
            for (Pending<I, O> pending : batch) {
                pending.result().completeExceptionally(e);
            }
        }
    }

    private void failRemaining() {
        Pending<I, O> pending;
        while ((pending = queue.poll()) != null) {
            pending.result().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }

    /** Finishes the batches already queued, then stops. */
    @Override
    public void close() {
        closed = true;
        for (Thread runner : runners) {
            try {
                runner.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failRemaining();
    }
}
