/**
 * Status changes as they happen: the gateway's own queue on the events exchange, fanned out to server-sent event
 * streams, TCP subscribers and waiting requests, with replay from the stored history on resume.
 */
package io.taskhive.gateway.events;
