package io.taskhive.gateway.events;

import org.springframework.amqp.core.AnonymousQueue;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** This replica's own queue of every status change: exclusive, gone with its connection. */
@Configuration(proxyBeanMethods = false)
class EventQueue {

    @Bean
    Queue gatewayEventQueue() {
        return new AnonymousQueue();
    }

    @Bean
    Binding gatewayEventBinding(Queue gatewayEventQueue, TopicExchange eventExchange) {
        return BindingBuilder.bind(gatewayEventQueue).to(eventExchange).with("task.#");
    }
}
