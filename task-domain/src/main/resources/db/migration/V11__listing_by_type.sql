-- A user's tasks of one type, newest first (GET /api/tasks?type=...), and their count up to the
-- listing's count limit (TaskFinder.page). Through tasks_owner_created alone, the tasks of a type
-- that is one in a hundred cost a hundred index entries and heap rows per match: a hundred
-- thousand rows read to count a thousand. The price: one more index entry per inserted task.
-- Not CONCURRENTLY: Flyway would run it outside a transaction, where it waits for every open
-- transaction, its own lock's included. Submissions wait while it is built, as for V5's; on a very
-- large table an operator may build it CONCURRENTLY by hand first ("if not exists" then skips it).
create index if not exists tasks_owner_type_created on tasks (owner_id, type, created_at desc, id desc);

-- Everyone's tasks newest first (the operator's listing), now partial on a condition every row
-- meets and only that listing states, so that no user's listing can use it. One did: the planner
-- expects a user's tasks to be spread evenly in time, and when the newest tasks were other users'
-- it walked this index past all of them to find twenty of that user's (75,000 rows, some 200 ms,
-- in benchmarks/run history) instead of reading tasks_owner_created.
drop index if exists tasks_created;
create index tasks_created on tasks (created_at desc, id desc) where created_at > '-infinity';
