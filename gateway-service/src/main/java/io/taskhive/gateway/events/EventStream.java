package io.taskhive.gateway.events;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.taskhive.messaging.TaskStatusEvent;

/**
 * One client's stream of status changes. Live changes arrive from {@link TaskEvents} on the
 * broker's delivery thread and only go into a bounded queue; this stream's own virtual thread
 * replays the stored history, then writes what the queue holds, and a heartbeat comment whenever it
 * has been quiet for a heartbeat interval. The subscription is made before the replay, so the
 * queue holds every change committed while the replay reads: each is sent once, either replayed or
 * live (ids already replayed are dropped), which leaves no gap and no duplicate at the seam.
 */
final class EventStream {

    private static final Logger log = LoggerFactory.getLogger(EventStream.class);

    /** What a stream follows, and how it replays and ends. */
    record Plan(
            /** Subscribes a consumer to the live changes this stream follows. */
            Function<Consumer<TaskStatusEvent>, AutoCloseable> subscription,
            /** The stored changes after an id, at most the replay limit of them. */
            LongFunction<List<TaskStatusEvent>> replay,
            /** Whether the stream replays when the client gave no Last-Event-ID (one task: its whole history). */
            boolean replayFromStart,
            /** For one task: whether it is final now (the stream then ends after its replay); null otherwise. */
            BooleanSupplier finalNow) {

        boolean endsAtFinal() {
            return finalNow != null;
        }
    }

    private final SseEmitter emitter;
    private final Plan plan;
    private final Long lastEventId;
    private final SseProperties properties;
    private final Runnable onClose;
    private final BlockingQueue<TaskStatusEvent> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean overflowed;
    private volatile AutoCloseable subscription;
    private volatile Thread writer;

    EventStream(SseEmitter emitter, Plan plan, Long lastEventId, SseProperties properties, Runnable onClose) {
        this.emitter = emitter;
        this.plan = plan;
        this.lastEventId = lastEventId;
        this.properties = properties;
        this.onClose = onClose;
        this.queue = new ArrayBlockingQueue<>(properties.bufferSize());
    }

    /** Subscribes, then replays and goes live on a virtual thread of its own. */
    void start() {
        emitter.onCompletion(this::close);
        emitter.onTimeout(this::close);
        emitter.onError(e -> close());
        subscription = plan.subscription().apply(this::offer);
        writer = Thread.ofVirtual().name("sse-stream").start(this::run);
    }

    /** On the broker's delivery thread: never blocks; a full queue cuts the stream off. */
    private void offer(TaskStatusEvent event) {
        if (!queue.offer(event)) {
            overflowed = true;
        }
    }

    private void run() {
        try {
            emitter.send(SseEmitter.event().reconnectTime(properties.reconnectDelay().toMillis()));
            Set<Long> replayed = new HashSet<>();
            if (replay(replayed)) {
                live(replayed);
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("event stream closed by its client: {}", e.getMessage()); // or completed meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed from outside (client gone, shutdown)
        } catch (DataAccessException e) {
            log.warn("event stream ended, its history could not be read: {}", e.getMostSpecificCause().getMessage());
        } catch (RuntimeException e) {
            log.error("event stream failed", e);
        } finally {
            close();
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                log.debug("event stream already completed: {}", e.getMessage());
            }
        }
    }

    /** Sends the stored changes the client has not seen; false if the stream ends with them. */
    private boolean replay(Set<Long> replayed) throws IOException {
        if (lastEventId == null && !plan.replayFromStart()) {
            return true;
        }
        // A task final before the read has its final change in the read (or the client had it).
        boolean finalBefore = plan.endsAtFinal() && plan.finalNow().getAsBoolean();
        List<TaskStatusEvent> history = plan.replay().apply(lastEventId == null ? 0 : lastEventId);
        for (TaskStatusEvent event : history) {
            send(event);
            replayed.add(event.transitionId());
        }
        if (plan.endsAtFinal()) {
            return history.isEmpty() ? !finalBefore : !history.getLast().to().isFinal();
        }
        // More stored than one connection replays: end here; the reconnection replays the next ones.
        return history.size() < properties.replayLimit();
    }

    private void live(Set<Long> replayed) throws IOException, InterruptedException {
        long heartbeatMillis = properties.heartbeat().toMillis();
        while (!closed.get()) {
            if (overflowed) {
                log.info("event stream cut off: its client fell {} changes behind; it resumes from Last-Event-ID",
                        properties.bufferSize());
                return;
            }
            TaskStatusEvent event = queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
            if (event == null) {
                emitter.send(SseEmitter.event().comment("keep-alive"));
                continue;
            }
            if (event.transitionId() != null && replayed.contains(event.transitionId())) {
                continue;
            }
            send(event);
            if (plan.endsAtFinal() && event.to().isFinal()) {
                return;
            }
        }
    }

    private void send(TaskStatusEvent event) throws IOException {
        SseEmitter.SseEventBuilder sse = SseEmitter.event();
        if (event.transitionId() != null) {
            sse.id(Long.toString(event.transitionId()));
        }
        emitter.send(sse.name("status").data(StatusChange.of(event), MediaType.APPLICATION_JSON));
    }

    /** Ends the stream's subscription and its writer; once, from whichever side notices first. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        AutoCloseable held = subscription;
        if (held != null) {
            try {
                held.close();
            } catch (Exception e) {
                log.debug("unsubscribe failed", e);
            }
        }
        onClose.run();
        Thread thread = writer;
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }
}
