package io.taskhive.worker.execution;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ChannelProxy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * The broker's delivery of one task message, settled once its tasks are done: acknowledged, or
 * handed back to the queue. A delivery tag means something only on the channel that delivered it;
 * once that channel has closed (the consumers stopped for a drain or a database outage) the broker
 * has already put the message back, and settling it on any other channel would be refused
 * ({@code PRECONDITION_FAILED - unknown delivery tag}) and close that channel too. So the receipt
 * holds the delivering channel itself, not the pool's proxy that would open a new one, and settles
 * on it only while it is open.
 */
final class MessageReceipt {

    private static final Logger log = LoggerFactory.getLogger(MessageReceipt.class);

    private final Channel channel;
    private final long deliveryTag;

    private MessageReceipt(Channel channel, long deliveryTag) {
        this.channel = channel;
        this.deliveryTag = deliveryTag;
    }

    static MessageReceipt of(Channel channel, long deliveryTag) {
        Channel delivering = channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel;
        return new MessageReceipt(delivering, deliveryTag);
    }

    /** The message is done with: its tasks' outcomes are committed, or it can never be processed. */
    void acknowledge() {
        settle(true);
    }

    /** The message goes back to the queue for this or another replica. */
    void handBack() {
        settle(false);
    }

    private void settle(boolean done) {
        if (!channel.isOpen()) {
            log.debug("delivery {} not settled: its channel has closed, so the broker has requeued it", deliveryTag);
            return;
        }
        try {
            if (done) {
                channel.basicAck(deliveryTag, false);
            } else {
                channel.basicNack(deliveryTag, false, true);
            }
        } catch (IOException | ShutdownSignalException e) {
            // closed meanwhile: the broker requeues the message, as above
            log.debug("delivery {} not settled: {}", deliveryTag, e.getMessage());
        }
    }
}
