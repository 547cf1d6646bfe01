-- Priorities: 0 (default) to 9, higher first wherever tasks wait for a worker.
alter table tasks add column priority smallint not null default 0 check (priority between 0 and 9);

-- Per-user limits an admin may set; null means the configured default (taskhive.quotas.*).
alter table users add column max_running integer check (max_running is null or max_running >= 1);
alter table users add column max_queued  integer check (max_queued is null or max_queued >= 1);

-- Fair dispatch. While workers keep up, a task is published as soon as it is stored
-- (dispatch_seq 1). When they do not, or its owner is at their limit of running tasks, it is stored
-- QUEUED but held back (dispatch_seq 0, no outbox mark), and the gateways' dispatch rounds publish
-- the held tasks a few at a time: highest priority first, then each owner in turn. Both indexes are
-- partial: a task has an entry in the first only while held, in the second only between its
-- publication and its start, so neither grows with the history.
create index tasks_held on tasks (owner_id, priority desc, created_at, id)
    where status = 'QUEUED' and dispatch_seq = 0;
create index tasks_dispatched on tasks (owner_id)
    where status = 'QUEUED' and dispatch_seq > 0;
