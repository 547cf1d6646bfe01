/**
 * The operator's view and actions: every user's tasks, the live workers, queue depth and outbox backlog, statistics
 * for the console's charts, and the fleet's meters.
 */
package io.taskhive.gateway.admin;
