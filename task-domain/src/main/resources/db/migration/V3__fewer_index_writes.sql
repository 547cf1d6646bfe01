-- Every status change of a task rewrites the row and an entry in each of its indexes (a status
-- change is never a HOT update). The index on status alone served no query that another index or
-- a scan does not serve as well: counts by status read every row anyway.
drop index if exists tasks_status;
