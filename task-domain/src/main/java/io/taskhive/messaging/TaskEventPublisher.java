package io.taskhive.messaging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes status changes. Events are notifications, not the record (PostgreSQL is): a change that
 * cannot be announced because the broker is away is logged and otherwise ignored, never allowed to
 * fail the work it describes.
 */
@Component
public class TaskEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(TaskEventPublisher.class);

    private final RabbitTemplate rabbit;
    private final JsonMapper json;
    private final String exchange;

    public TaskEventPublisher(RabbitTemplate rabbit, JsonMapper json, MessagingProperties properties) {
        this.rabbit = rabbit;
        this.json = json;
        this.exchange = properties.eventExchange();
    }

    public void publish(TaskStatusEvent event) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        try {
            rabbit.send(exchange, event.routingKey(), new Message(json.writeValueAsBytes(event), properties));
        } catch (AmqpException e) {
            log.warn("taskId={} status change to {} not announced: {}", event.taskId(), event.to(), e.getMessage());
        }
    }

    public TaskStatusEvent decode(Message message) {
        return json.readValue(message.getBody(), TaskStatusEvent.class);
    }
}
