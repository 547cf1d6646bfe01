package io.taskhive.messaging;

import java.util.HashMap;
import java.util.Map;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The exchanges and queues both services rely on. Both declare them (declaring is idempotent), so
 * whichever starts first, a published task is never unroutable for want of a queue.
 */
@Configuration(proxyBeanMethods = false)
public class MessagingTopology {

    /** Routing key of task messages on the task exchange. */
    public static final String TASK_ROUTING_KEY = "task";

    @Bean
    DirectExchange taskExchange(MessagingProperties properties) {
        return new DirectExchange(properties.taskExchange(), true, false);
    }

    /** The work queue; RabbitMQ-only arguments are sent only when the queue type is quorum. */
    @Bean
    Queue taskQueue(MessagingProperties properties) {
        Map<String, Object> arguments = new HashMap<>();
        if (properties.quorum()) {
            arguments.put("x-queue-type", "quorum");
            if (properties.deliveryLimit() > 0) {
                arguments.put("x-delivery-limit", properties.deliveryLimit());
            }
            // Past the limit (ours, or RabbitMQ 4's default of 20 when ours is 0) a message is
            // parked on the dead-letter queue, never silently dropped.
            arguments.put("x-dead-letter-exchange", "");
            arguments.put("x-dead-letter-routing-key", properties.deadLetterQueue());
        }
        return new Queue(properties.taskQueue(), true, false, false, arguments);
    }

    @Bean
    Binding taskBinding(Queue taskQueue, DirectExchange taskExchange) {
        return BindingBuilder.bind(taskQueue).to(taskExchange).with(TASK_ROUTING_KEY);
    }

    @Bean
    Queue deadLetterQueue(MessagingProperties properties) {
        return new Queue(properties.deadLetterQueue(), true, false, false,
                properties.quorum() ? Map.of("x-queue-type", "quorum") : Map.of());
    }

    @Bean
    TopicExchange eventExchange(MessagingProperties properties) {
        return new TopicExchange(properties.eventExchange(), true, false);
    }
}
