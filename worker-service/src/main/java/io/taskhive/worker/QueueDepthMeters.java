package io.taskhive.worker;

import java.util.concurrent.atomic.AtomicReference;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code taskhive.queue.depth}: messages ready in the work queue ({@code queue="tasks"}) and parked
 * on the dead-letter queue ({@code queue="dead"}), as the broker reports them (a passive declare,
 * every {@code taskhive.metrics.refresh-interval}); every replica reports the same figure, so
 * dashboards take the max. NaN while the broker cannot be asked: unknown, not zero.
 */
@Component
class QueueDepthMeters {

    private final AmqpAdmin admin;
    private final Queue taskQueue;
    private final Queue deadLetterQueue;
    private final AtomicReference<Double> tasks = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> dead = new AtomicReference<>(Double.NaN);

    QueueDepthMeters(AmqpAdmin admin, Queue taskQueue, Queue deadLetterQueue, MeterRegistry meters) {
        this.admin = admin;
        this.taskQueue = taskQueue;
        this.deadLetterQueue = deadLetterQueue;
        Gauge.builder("taskhive.queue.depth", tasks, AtomicReference::get).tag("queue", "tasks")
                .description("Messages waiting in the queue").register(meters);
        Gauge.builder("taskhive.queue.depth", dead, AtomicReference::get).tag("queue", "dead")
                .description("Messages waiting in the queue").register(meters);
    }

    @Scheduled(fixedDelayString = "${taskhive.metrics.refresh-interval:15s}", initialDelay = 0)
    void refresh() {
        tasks.set(depth(taskQueue));
        dead.set(depth(deadLetterQueue));
    }

    private double depth(Queue queue) {
        try {
            QueueInformation info = admin.getQueueInfo(queue.getName());
            return info == null ? Double.NaN : info.getMessageCount();
        } catch (AmqpException e) {
            return Double.NaN;
        }
    }
}
