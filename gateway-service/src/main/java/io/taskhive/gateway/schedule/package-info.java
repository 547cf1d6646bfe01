/**
 * Recurring schedules: a user's named cadence (a cron expression in a time zone, or a fixed
 * interval) that creates a task per slot, through the REST API ({@code /api/schedules}) and the
 * ticker that every gateway runs. Exactly one task per slot, with any number of gateways, comes
 * from the {@code schedule_slots} primary key written in the transaction that stores the task, not
 * from a leader.
 */
package io.taskhive.gateway.schedule;
