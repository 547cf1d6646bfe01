-- Delayed tasks: a task submitted with runAt (or a delay) waits as SCHEDULED, unpublished, until
-- its time; then the gateway's release moves it to QUEUED and publishes it. The time is kept after
-- release, so a task's view always says when it was asked to run.
alter table tasks add column run_at timestamptz;

alter table tasks drop constraint tasks_status_check;
alter table tasks add constraint tasks_status_check
    check (status in ('SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD'));

-- The release reads the due ones, oldest first. Partial: a task has an entry only while it waits,
-- so the submissions that run at once pay nothing for it.
create index tasks_scheduled on tasks (run_at) where status = 'SCHEDULED';
