-- What a plugin logged during each attempt ([{time, level, message}], bounded by the runtime), shown with the step's history.
ALTER TABLE task_attempts ADD COLUMN logs TEXT;
