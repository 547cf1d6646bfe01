-- Recurring schedules (issue 18): a user's named cadence (a cron expression in a time zone, or a
-- fixed interval) that creates a task per slot. Every gateway runs the ticker; a schedule row is
-- claimed with FOR UPDATE SKIP LOCKED, and the slot's task, its schedule_slots row and the new
-- next_run_at commit together.
create table schedules (
    id                uuid primary key,
    owner_id          bigint       not null references users (id),
    name              varchar(100) not null,
    cron              varchar(200),
    time_zone         varchar(64),
    interval_seconds  bigint,
    task_type         varchar(32)  not null,
    task_payload      jsonb        not null,
    max_attempts      integer      not null,
    timeout_seconds   integer,
    priority          smallint     not null default 0,
    missed_policy     varchar(16)  not null check (missed_policy in ('SKIP', 'RUN_ONCE', 'RUN_ALL')),
    max_missed_runs   integer      not null check (max_missed_runs >= 1),
    paused            boolean      not null default false,
    -- The next slot to create a task for (null once a cron has no slot left); the ticker's due
    -- index reads it.
    next_run_at       timestamptz,
    last_slot_at      timestamptz,
    last_task_id      uuid,
    skipped_slots     bigint       not null default 0,
    created_at        timestamptz  not null,
    updated_at        timestamptz  not null,
    constraint schedules_owner_name_key unique (owner_id, name),
    constraint schedules_one_cadence check ((cron is null) <> (interval_seconds is null)),
    constraint schedules_cron_zone check ((cron is null) = (time_zone is null))
);

create index schedules_due on schedules (next_run_at) where not paused and next_run_at is not null;

-- Exactly one task per schedule and slot, whatever the number of gateways: the primary key is the
-- guarantee, whatever the clocks or a PATCH do to next_run_at. task_id is no foreign key, since
-- retention deletes old tasks while their slots stay taken.
create table schedule_slots (
    schedule_id uuid        not null references schedules (id) on delete cascade,
    slot_at     timestamptz not null,
    task_id     uuid        not null,
    created_at  timestamptz not null default now(),
    primary key (schedule_id, slot_at)
);
