package io.taskhive.worker.execution;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ChannelProxy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

/** Settling a delivery on the channel that delivered it, and only while that channel is open. */
class MessageReceiptTest {

    private final Channel delivering = mock(Channel.class);

    @Test
    void acknowledgedOnTheDeliveringChannelNotOnThePoolsProxy() throws Exception {
        ChannelProxy proxy = mock(ChannelProxy.class);
        when(proxy.getTargetChannel()).thenReturn(delivering);
        when(delivering.isOpen()).thenReturn(true);
        MessageReceipt.of(proxy, 42).acknowledge();
        verify(delivering).basicAck(42, false);
        verify(proxy, never()).basicAck(anyLong(), anyBoolean());
    }

    @Test
    void handedBackMeansRequeuedOnlyThisOne() throws Exception {
        when(delivering.isOpen()).thenReturn(true);
        MessageReceipt.of(delivering, 7).handBack();
        verify(delivering).basicNack(7, false, true);
        verify(delivering, never()).basicAck(anyLong(), anyBoolean());
    }

    @Test
    void nothingIsSentOnAClosedChannelSinceTheBrokerRequeuedTheMessageAlready() throws Exception {
        when(delivering.isOpen()).thenReturn(false);
        MessageReceipt receipt = MessageReceipt.of(delivering, 7);
        receipt.acknowledge();
        receipt.handBack();
        verify(delivering, never()).basicAck(anyLong(), anyBoolean());
        verify(delivering, never()).basicNack(anyLong(), anyBoolean(), anyBoolean());
    }

    @Test
    void aChannelClosingMeanwhileIsNoFailure() throws Exception {
        when(delivering.isOpen()).thenReturn(true);
        doThrow(new IOException("channel closed")).when(delivering).basicAck(1, false);
        doThrow(mock(ShutdownSignalException.class)).when(delivering).basicNack(2, false, true);
        assertThatCode(() -> MessageReceipt.of(delivering, 1).acknowledge()).doesNotThrowAnyException();
        assertThatCode(() -> MessageReceipt.of(delivering, 2).handBack()).doesNotThrowAnyException();
    }
}
