/**
 * Each user's limits on tasks running and waiting: the configured defaults, an admin's own values
 * per user, and the counts against them. Fair dispatch ({@code gateway.task.FairDispatch}) and
 * submission enforce them.
 */
package io.taskhive.gateway.quota;
