package io.taskhive.gateway.task;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.MessagingProperties;
import io.taskhive.messaging.MessagingTopology;
import io.taskhive.messaging.TaskMessage;
import io.taskhive.messaging.TaskMessageCodec;
import io.taskhive.task.Task;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes committed tasks to the work queue: persistent, mandatory, with correlated publisher
 * confirms. Only a positive confirm of a message that was not returned as unroutable clears a
 * task's outbox mark (RabbitMQ sends the return before the ack; Qpid sends a nack, then the
 * return: both leave the mark). Whatever is not confirmed, the {@link OutboxRelay} publishes again.
 */
@Component
class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);
    /** After a failed publish, skip publishing for this long and leave the work to the relay. */
    private static final Duration BROKER_DOWN_BACKOFF = Duration.ofSeconds(2);

    private final RabbitTemplate rabbit;
    private final TaskMessageCodec codec;
    private final JsonMapper json;
    private final String exchange;
    private final AtomicLong brokerDownUntil = new AtomicLong();

    TaskDispatcher(ConnectionFactory connectionFactory, TaskMessageCodec codec, JsonMapper json,
            MessagingProperties messaging, DispatchConfirmations confirmations) {
        this.codec = codec;
        this.json = json;
        this.exchange = messaging.taskExchange();
        this.rabbit = new RabbitTemplate(connectionFactory);
        rabbit.setMandatory(true);
        rabbit.setConfirmCallback((correlation, ack, cause) -> {
            if (correlation == null) {
                return;
            }
            if (ack && correlation.getReturned() == null) {
                confirmations.confirmed(correlation.getId());
            } else {
                log.warn("taskId={} not accepted by the broker ({}); the relay will publish it again",
                        correlation.getId(), correlation.getReturned() != null ? "unroutable" : cause);
            }
        });
        rabbit.setReturnsCallback(returned -> log.warn("task message {} returned by the broker: {} {}",
                returned.getMessage().getMessageProperties().getMessageId(), returned.getReplyCode(),
                returned.getReplyText()));
    }

    /** Publishes the tasks in order, stopping at the first the broker does not take (the relay takes the rest). */
    void dispatch(Collection<Task> tasks) {
        for (Task task : tasks) {
            if (!publish(task)) {
                return; // the broker is away: the relay takes the rest later
            }
        }
    }

    private boolean publish(Task task) {
        if (brokerDown()) {
            return false;
        }
        TaskMessage message = new TaskMessage(task.getId(), task.getType(), json.readTree(task.getPayload()));
        try {
            rabbit.send(exchange, MessagingTopology.TASK_ROUTING_KEY, codec.encode(message),
                    new CorrelationData(task.dispatchKey()));
            return true;
        } catch (AmqpException e) {
            brokerDownUntil.set(System.nanoTime() + BROKER_DOWN_BACKOFF.toNanos());
            log.warn("taskId={} stays in the outbox, broker unavailable: {}", task.getId(), e.getMessage());
            return false;
        }
    }

    boolean brokerDown() {
        return System.nanoTime() - brokerDownUntil.get() < 0;
    }
}
