-- Staged import rows no longer reference imports by a foreign key: the key checked each of the
-- 100,000 rows of a large upload with a query of its own (~0.5 s of the upload on PGlite), for rows
-- that only the staging code writes, right after creating their import. Deleting imports (a refused
-- upload, expiry) still deletes their staged rows, by one statement-level trigger instead of the
-- key's ON DELETE CASCADE.
ALTER TABLE "directory"."import_rows" DROP CONSTRAINT "import_rows_import_id_imports_id_fk";
--> statement-breakpoint
-- The (import_id, user_principal_name) index served the duplicate check and the joins to users by
-- User Name, which now run as hash aggregates and hash joins over the import's rows (found by the
-- primary key's import_id prefix); keeping it up to date cost every staged row an index insertion.
DROP INDEX "directory"."import_rows_upn_idx";
--> statement-breakpoint
CREATE FUNCTION directory.imports_delete_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM directory.import_rows r USING gone g WHERE r.import_id = g.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER imports_rows_cascade AFTER DELETE ON directory.imports
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION directory.imports_delete_rows();
