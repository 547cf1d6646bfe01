package io.taskhive.gateway.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything one connection writes, in the order the protocol promises: replies in request order,
 * each once its future completes, and pushed events between whole lines as they come. Its own
 * virtual thread does the socket writes, so whoever pushes an event (the broker listener) never
 * waits for a slow client: past {@code maxPushes} unsent events the client is cut off instead.
 * Requests are held back (the reader blocks) while {@code maxReplies} replies are unsent.
 */
final class TcpOutput implements Runnable {

    private static final int MAX_BATCH_BYTES = 64 * 1024;

    private final OutputStream out;
    private final JsonMapper json;
    private final int maxReplies;
    private final int maxPushes;
    private final Runnable onOverflow;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<CompletableFuture<JsonNode>> replies = new ArrayDeque<>();
    private final ArrayDeque<JsonNode> pushes = new ArrayDeque<>();
    /** No more replies will be added: write what is queued, then stop. */
    private boolean finished;
    /** Stop now: the socket failed or the client fell too far behind. */
    private boolean broken;
    /** When the write in progress started (System.nanoTime), 0 when not writing. */
    private volatile long writingSince;
    /** Lines not yet sent, gathered so that a burst goes out in one write; null when empty. */
    private ByteArrayOutputStream batch;

    TcpOutput(OutputStream out, JsonMapper json, int maxReplies, int maxPushes, Runnable onOverflow) {
        this.out = out;
        this.json = json;
        this.maxReplies = maxReplies;
        this.maxPushes = maxPushes;
        this.onOverflow = onOverflow;
    }

    /** Queues the reply to the next request; blocks while too many replies are unsent. */
    void reply(CompletableFuture<JsonNode> reply) throws InterruptedException {
        lock.lock();
        try {
            while (replies.size() >= maxReplies && !broken) {
                changed.await();
            }
            if (broken) {
                return;
            }
            replies.add(reply);
        } finally {
            lock.unlock();
        }
        reply.whenComplete((value, failure) -> signal());
    }

    /** Queues an event line; never blocks. False if the client cannot keep up (it is then cut off). */
    boolean push(JsonNode event) {
        lock.lock();
        try {
            if (broken || finished) {
                return false;
            }
            if (pushes.size() >= maxPushes) {
                broken = true;
                changed.signalAll();
            } else {
                pushes.add(event);
                changed.signalAll();
                return true;
            }
        } finally {
            lock.unlock();
        }
        onOverflow.run();
        return false;
    }

    /** No more replies: the writer sends what is queued and ends. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How long the write in progress has been blocked (the client does not read), in nanoseconds. */
    long stalledNanos() {
        long since = writingSince;
        return since == 0 ? 0 : System.nanoTime() - since;
    }

    @Override
    public void run() {
        try {
            while (true) {
                JsonNode next = take(false);
                if (next == null) {
                    write(null); // nothing ready: send what is buffered before waiting
                    next = take(true);
                    if (next == null) {
                        write(null);
                        return;
                    }
                }
                write(next);
            }
        } catch (IOException | InterruptedException e) {
            markBroken();
        }
    }

    /** The next line to write, or null when nothing is ready (or, if waiting, when the output is over). */
    private JsonNode take(boolean wait) throws InterruptedException {
        lock.lock();
        try {
            while (!broken) {
                if (!pushes.isEmpty()) {
                    return pushes.poll();
                }
                CompletableFuture<JsonNode> head = replies.peek();
                if (head != null && head.isDone()) {
                    replies.poll();
                    changed.signalAll(); // room for the reader
                    // the router completes every reply normally; this is only a guard
                    return head.exceptionally(e -> TcpReplies.error("internal", "internal error")).join();
                }
                if (!wait || (head == null && finished)) {
                    return null;
                }
                changed.await();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds one line to the batch, or with null sends the batch. The batch is dropped once sent, so an
     * idle connection holds no buffer.
     */
    private void write(JsonNode line) throws IOException {
        if (line != null) {
            if (batch == null) {
                batch = new ByteArrayOutputStream(256);
            }
            json.writeValue(batch, line);
            batch.write('\n');
            if (batch.size() < MAX_BATCH_BYTES) {
                return;
            }
        }
        if (batch == null) {
            return;
        }
        writingSince = System.nanoTime() | 1;
        try {
            batch.writeTo(out);
            out.flush();
        } finally {
            writingSince = 0;
            batch = null;
        }
    }

    private void markBroken() {
        lock.lock();
        try {
            broken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
