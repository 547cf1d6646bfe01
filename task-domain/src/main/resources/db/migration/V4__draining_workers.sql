-- A worker that got SIGTERM keeps heartbeating while it finishes or hands back its tasks; this says
-- since when it has been draining (null while it takes work), for admins and the worker list.
alter table workers add column draining_since timestamptz;
