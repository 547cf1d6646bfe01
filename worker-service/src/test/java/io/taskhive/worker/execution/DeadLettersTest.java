package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import io.taskhive.messaging.MessagingProperties;
import io.taskhive.testing.ConfigurationBinding;

/** A message no worker can process goes to the namespace's dead-letter queue, with why. */
class DeadLettersTest {

    @Test
    void parkedThroughTheDefaultExchangeOnTheNamespacesDeadLetterQueueWithTheReason() {
        MessagingProperties messaging = ConfigurationBinding.bind("taskhive.messaging", MessagingProperties.class,
                Map.of("namespace", "tenant-a"));
        RabbitTemplate rabbit = mock(RabbitTemplate.class);
        MessageProperties properties = new MessageProperties();
        properties.setMessageId("m-1");
        Message message = new Message("{not a task".getBytes(StandardCharsets.UTF_8), properties);

        new DeadLetters(rabbit, messaging).park(message, "unreadable task message");

        // the default exchange routes by queue name on any AMQP 0-9-1 broker, whatever exchanges exist
        verify(rabbit).send(eq(""), eq(messaging.deadLetterQueue()), same(message));
        assertThat(messaging.deadLetterQueue()).startsWith("tenant-a.");
        assertThat((String) message.getMessageProperties().getHeader(DeadLetters.REASON_HEADER))
                .isEqualTo("unreadable task message");
        assertThat(message.getBody()).asString(StandardCharsets.UTF_8).isEqualTo("{not a task");
    }
}
