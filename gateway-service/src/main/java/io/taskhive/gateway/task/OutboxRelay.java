package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskhive.gateway.GatewayProperties;
import io.taskhive.task.Task;
import io.taskhive.task.store.OutboxStore;

/**
 * Publishes again what never reached the broker: tasks whose outbox mark is due (the immediate
 * publish failed, was not confirmed in time, or the gateway died before it). Claims rows with
 * FOR UPDATE SKIP LOCKED and pushes their due time forward, so several gateway replicas can run it
 * side by side without publishing the same task at the same moment.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int MAX_ROUNDS = 20;

    private final OutboxStore outbox;
    private final TaskDispatcher dispatcher;
    private final int batchSize;
    private final Duration retryAfter;
    private final Counter relayed;

    OutboxRelay(OutboxStore outbox, TaskDispatcher dispatcher, GatewayProperties properties, MeterRegistry meters) {
        this.relayed = Counter.builder("taskhive.outbox.relayed")
                .description("Tasks published again by the outbox relay (unconfirmed, failed or retried)")
                .register(meters);
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.batchSize = properties.outbox().relayBatchSize();
        this.retryAfter = properties.outbox().retryAfter();
    }

    @Scheduled(fixedDelayString = "${taskhive.gateway.outbox.relay-interval:1s}")
    void relay() {
        if (dispatcher.brokerDown()) {
            return;
        }
        try {
            for (int round = 0; round < MAX_ROUNDS && !dispatcher.brokerDown(); round++) {
                List<Task> due = outbox.claimDue(batchSize, retryAfter);
                if (due.isEmpty()) {
                    return;
                }
                log.info("relaying {} task(s) from the outbox", due.size());
                relayed.increment(due.size());
                dispatcher.dispatch(due);
                if (due.size() < batchSize) {
                    return;
                }
            }
        } catch (DataAccessException e) {
            log.warn("outbox relay paused, database unavailable: {}", e.getMostSpecificCause().getMessage());
        }
    }
}
