-- The W3C trace context (traceparent) of the submission that created a task: every publication of
-- the task (the first, the relay's, each retry's) carries it, so the worker's spans and log lines
-- join the trace that began with the HTTP or TCP request. Null for tasks submitted before this
-- column existed.
alter table tasks add column traceparent varchar(55);
