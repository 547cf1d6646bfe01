/**
 * What travels over the broker: the task message and its codec, status events and their publisher, trace headers,
 * and the exchanges and queues both services declare alike.
 */
package io.taskhive.messaging;
