package io.taskhive.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * Names and broker-specific arguments of the messaging topology ({@code taskhive.messaging.*}).
 *
 * @param namespace     prefix of every exchange and queue name, so that several installations (or
 *                      test runs) can share one broker
 * @param queueType     {@code quorum} (RabbitMQ: replicated, the default) or {@code classic} (any
 *                      AMQP 0-9-1 broker; no RabbitMQ-only queue arguments are sent)
 * @param deliveryLimit quorum queues only: after this many deliveries RabbitMQ parks a message
 *                      that keeps coming back on the dead-letter queue (a safety net); 0 sends no
 *                      limit, so the broker's default applies (none on RabbitMQ 3, 20 on 4)
 */
@Validated
@ConfigurationProperties("taskhive.messaging")
public record MessagingProperties(
        @DefaultValue("taskhive") @Pattern(regexp = "[A-Za-z0-9_.-]{1,100}",
                message = "use letters, digits, '.', '_' or '-'") String namespace,
        @DefaultValue("quorum") @Pattern(regexp = "quorum|classic", message = "must be quorum or classic") String queueType,
        @DefaultValue("50") @Min(0) @Max(1000) int deliveryLimit) {

    /** The direct exchange tasks are published to. */
    public String taskExchange() {
        return namespace + ".tasks";
    }

    /** The durable work queue that workers consume. */
    public String taskQueue() {
        return namespace + ".tasks";
    }

    /** Where messages that cannot be processed at all (unparseable, unknown type) are parked. */
    public String deadLetterQueue() {
        return namespace + ".tasks.dead";
    }

    /** The topic exchange every status change is published to, routing key {@code task.<status>}. */
    public String eventExchange() {
        return namespace + ".events";
    }

    public boolean quorum() {
        return "quorum".equals(queueType);
    }
}
