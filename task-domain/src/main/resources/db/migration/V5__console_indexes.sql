-- The operator's console. Both indexes are partial, so a task's path pays for them only when it
-- ends (one entry in tasks_finished) or ends badly (one in tasks_failed), not at every status change.
-- Not CONCURRENTLY: replicas migrate at the same time, and a concurrent build waits for every open
-- transaction, the other replica's Flyway lock included. On a very large table an operator may
-- build them CONCURRENTLY by hand first ("if not exists" then skips them here).

-- Throughput and latency per minute (GET /api/admin/stats) read the tasks that ended in a time
-- range: a range scan here instead of a scan of every task.
create index if not exists tasks_finished on tasks (finished_at) where finished_at is not null;

-- Retrying FAILED or DEAD tasks in bulk (POST /api/admin/tasks/retry, oldest first, optionally of
-- one type) finds them among few rows; tasks_status, which served this, was dropped in V3.
create index if not exists tasks_failed on tasks (status, created_at, id) where status in ('FAILED', 'DEAD');
