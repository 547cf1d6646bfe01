package io.taskhive.worker.execution;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.taskhive.worker.WorkerProperties;
import jakarta.annotation.PreDestroy;

/**
 * While PostgreSQL is unreachable no task can be claimed, so consuming would only bounce messages
 * back to the broker (and, on a quorum queue, burn their delivery limit). The first failure pauses
 * the task consumers; a probe resumes them once the database answers again.
 */
@Component
class DatabaseOutage {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);

    private final RabbitListenerEndpointRegistry listeners;
    private final JdbcTemplate jdbc;
    private final long probeMillis;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("database-probe").factory());
    private volatile boolean closing;

    DatabaseOutage(RabbitListenerEndpointRegistry listeners, JdbcTemplate jdbc, WorkerProperties properties) {
        this.listeners = listeners;
        this.jdbc = jdbc;
        this.probeMillis = properties.databaseRetryInterval().toMillis();
    }

    /** Called by a consumer that could not reach the database. */
    void detected() {
        if (closing || !paused.compareAndSet(false, true)) {
            return;
        }
        log.warn("database unreachable: task consumers paused until it answers again");
        // Not on the consumer's own thread: stopping waits for the consumers.
        probe.execute(() -> tasks().stop());
        probe.schedule(this::probe, probeMillis, TimeUnit.MILLISECONDS);
    }

    boolean paused() {
        return paused.get();
    }

    private void probe() {
        if (closing) {
            return;
        }
        try {
            jdbc.queryForObject("select 1", Integer.class);
        } catch (DataAccessException e) {
            probe.schedule(this::probe, probeMillis, TimeUnit.MILLISECONDS);
            return;
        }
        log.info("database reachable again: task consumers resumed");
        tasks().start();
        paused.set(false);
    }

    private MessageListenerContainer tasks() {
        return listeners.getListenerContainer(TaskConsumer.LISTENER_ID);
    }

    @PreDestroy
    void close() {
        closing = true;
        probe.shutdownNow();
    }
}
