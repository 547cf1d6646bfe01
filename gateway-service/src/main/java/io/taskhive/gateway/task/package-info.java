/**
 * Tasks as clients see them: submit (validated, stored, then published), read, list, cancel, retry, and wait for an
 * outcome; with the outbox relay and publisher confirms that make every stored task reach the broker.
 */
package io.taskhive.gateway.task;
