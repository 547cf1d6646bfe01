package io.taskhive.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import io.taskhive.messaging.MessagingProperties;

/**
 * Parks messages no worker can process on the dead-letter queue, with the reason in a header, so
 * they can be inspected and never loop. Done by publishing (not by broker dead-lettering) so it
 * works on any AMQP 0-9-1 broker.
 */
@Component
class DeadLetters {

    static final String REASON_HEADER = "x-taskhive-dead-reason";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final RabbitTemplate rabbit;
    private final String queue;

    DeadLetters(RabbitTemplate rabbit, MessagingProperties properties) {
        this.rabbit = rabbit;
        this.queue = properties.deadLetterQueue();
    }

    void park(Message message, String reason) {
        MessageProperties properties = message.getMessageProperties();
        properties.setHeader(REASON_HEADER, reason);
        // The default exchange routes by queue name, whatever exchanges exist.
        rabbit.send("", queue, message);
        log.warn("message {} parked on {}: {}", properties.getMessageId(), queue, reason);
    }
}
