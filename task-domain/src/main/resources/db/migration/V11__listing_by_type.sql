-- A user's tasks of one type, newest first (GET /api/tasks?type=...), and their count up to the
-- listing's count limit (TaskFinder.page). Through tasks_owner_created alone, the tasks of a type
-- that is one in a hundred cost a hundred index entries and heap rows per match: a million rows
-- read to count ten thousand. The price: one more index entry per inserted task.
-- Not CONCURRENTLY: Flyway would run it outside a transaction, where it waits for every open
-- transaction, its own lock's included. On a table of ten million tasks the build takes some
-- seconds, during which submissions wait.
create index if not exists tasks_owner_type_created on tasks (owner_id, type, created_at desc, id desc);
