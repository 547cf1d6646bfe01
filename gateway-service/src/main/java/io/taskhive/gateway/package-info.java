/**
 * The gateway: the service clients talk to (REST, server-sent events, the TCP socket, the web page). It stores each
 * task before publishing it and answers from PostgreSQL; it never runs a task.
 */
package io.taskhive.gateway;
