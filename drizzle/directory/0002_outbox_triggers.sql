-- The directory write lock: every statement that writes users or licence assignments first takes one
-- transaction-scoped advisory lock, so directory writes commit one at a time and outbox ids are
-- committed in id order (a consumer's cursor never skips a late commit). Code that takes other locks
-- before writing (seat reservation) takes this one first, so the lock order is always the same.
CREATE FUNCTION directory.lock_directory_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7246010);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION directory.outbox_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    INSERT INTO directory.outbox (topic, subject_id) SELECT DISTINCT 'user', id FROM changed;
  ELSE
    INSERT INTO directory.outbox (topic, subject_id) SELECT DISTINCT 'user', user_id FROM changed;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_write_lock BEFORE INSERT OR UPDATE OR DELETE ON directory.users
  FOR EACH STATEMENT EXECUTE FUNCTION directory.lock_directory_writes();
--> statement-breakpoint
CREATE TRIGGER user_licences_write_lock BEFORE INSERT OR UPDATE OR DELETE ON directory.user_licences
  FOR EACH STATEMENT EXECUTE FUNCTION directory.lock_directory_writes();
--> statement-breakpoint
CREATE TRIGGER users_outbox_insert AFTER INSERT ON directory.users
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory.outbox_user_changed();
--> statement-breakpoint
CREATE TRIGGER users_outbox_update AFTER UPDATE ON directory.users
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory.outbox_user_changed();
--> statement-breakpoint
CREATE TRIGGER users_outbox_delete AFTER DELETE ON directory.users
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory.outbox_user_changed();
--> statement-breakpoint
CREATE TRIGGER user_licences_outbox_insert AFTER INSERT ON directory.user_licences
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory.outbox_user_changed();
--> statement-breakpoint
CREATE TRIGGER user_licences_outbox_delete AFTER DELETE ON directory.user_licences
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION directory.outbox_user_changed();
