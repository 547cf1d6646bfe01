-- A result file kept in the artifact store (S3-compatible) instead of the row: its reference.
-- All four are set together, by the outcome of the attempt that uploaded it, or none is.
-- Nullable columns without a default: adding them rewrites nothing.
alter table tasks
    add column artifact_key text,
    add column artifact_size bigint,
    add column artifact_content_type text,
    add column artifact_sha256 text,
    add constraint tasks_artifact_whole check (
        (artifact_key is null) = (artifact_size is null)
        and (artifact_key is null) = (artifact_content_type is null)
        and (artifact_key is null) = (artifact_sha256 is null));
