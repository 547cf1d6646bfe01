-- A per-task override of its type's timeout (seconds); null means the type's own.
alter table tasks add column timeout_seconds integer check (timeout_seconds is null or timeout_seconds > 0);

-- The orphan sweeper looks for RUNNING tasks by holder.
create index tasks_running_worker on tasks (worker_id) where status = 'RUNNING';

-- Which publication of the task the outbox mark belongs to: every new mark increments it, and a
-- publisher confirm clears the mark only if it confirms that same publication (a late confirm of
-- an earlier one must not clear the mark of a retry scheduled since).
alter table tasks add column dispatch_seq integer not null default 0;
