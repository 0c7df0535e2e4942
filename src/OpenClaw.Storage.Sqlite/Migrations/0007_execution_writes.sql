-- Schema version 7 on both backends. PostgreSQL moves its group-commit writes of execution rows into a function with
-- fixed plans (see its 0007). SQLite needs no change: it runs those writes as statements prepared once on the writer
-- connection, one primary-key lookup per row, and plans are not cached across schema or size changes.
SELECT 1;
