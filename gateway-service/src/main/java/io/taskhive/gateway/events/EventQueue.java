package io.taskhive.gateway.events;

import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.config.DirectRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.amqp.autoconfigure.DirectRabbitListenerContainerFactoryConfigurer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * This replica's own queue of every status change (exclusive, gone with its connection), and the
 * listener container that consumes it.
 */
@Configuration(proxyBeanMethods = false)
class EventQueue {

    /**
     * Below the web server's graceful shutdown (DEFAULT_PHASE - 1024) and the TCP listener, so on
     * shutdown events keep arriving while HTTP and TCP clients finish what they wait for.
     */
    static final int LISTENER_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    @Bean
    Queue gatewayEventQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Binding gatewayEventBinding(Queue gatewayEventQueue, TopicExchange eventExchange) {
        return BindingBuilder.bind(gatewayEventQueue).to(eventExchange).with("task.#");
    }

    /**
     * Spring Boot's direct container factory as configured by spring.rabbitmq.listener.direct.*, in
     * a later phase. Direct: the listener runs on the client's delivery thread, so an outcome reaches
     * whoever waits for it without one more hand-off between threads.
     */
    @Bean
    DirectRabbitListenerContainerFactory rabbitListenerContainerFactory(
            DirectRabbitListenerContainerFactoryConfigurer configurer, ConnectionFactory connectionFactory) {
        DirectRabbitListenerContainerFactory factory = new DirectRabbitListenerContainerFactory();
        configurer.configure(factory, connectionFactory);
        factory.setPhase(LISTENER_PHASE);
        return factory;
    }
}
