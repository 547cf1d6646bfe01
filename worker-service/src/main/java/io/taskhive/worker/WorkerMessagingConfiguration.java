package io.taskhive.worker;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.DirectRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.taskhive.messaging.TaskStatusEvent;
import io.taskhive.task.TaskStatus;

/**
 * Listener containers (one for the work queue: manual acks, large prefetch; one for events) and
 * this replica's own queue for cancellation events.
 */
@Configuration(proxyBeanMethods = false)
class WorkerMessagingConfiguration {

    /**
     * Manual acknowledgement: the consumer settles each message itself once its outcomes are
     * committed (see MessageReceipt). The prefetch bounds how many messages this replica holds at once.
     */
    @Bean
    DirectRabbitListenerContainerFactory taskListenerFactory(ConnectionFactory connectionFactory,
            WorkerProperties properties) {
        DirectRabbitListenerContainerFactory factory = new DirectRabbitListenerContainerFactory();
        factory.setConnectionFactory(connectionFactory);
        factory.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        factory.setPrefetchCount(properties.maxInFlight());
        factory.setConsumersPerQueue(1);
        factory.setDefaultRequeueRejected(true);
        return factory;
    }

    @Bean
    DirectRabbitListenerContainerFactory eventListenerFactory(ConnectionFactory connectionFactory) {
        DirectRabbitListenerContainerFactory factory = new DirectRabbitListenerContainerFactory();
        factory.setConnectionFactory(connectionFactory);
        factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
        factory.setDefaultRequeueRejected(false);
        return factory;
    }

    /** Exclusive to this replica and gone with its connection. */
    @Bean
    Queue cancellationQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Binding cancellationBinding(Queue cancellationQueue, TopicExchange eventExchange) {
        return BindingBuilder.bind(cancellationQueue).to(eventExchange)
                .with(TaskStatusEvent.routingKey(TaskStatus.CANCELLED));
    }
}
