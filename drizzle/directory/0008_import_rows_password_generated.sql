-- Temporary passwords are drawn and hashed while an import is staged (on the staging worker thread),
-- no longer while it is applied: password_hash then holds either an Entra initial password's hash or
-- a temporary password's, and this flag tells them apart for the results file. Rows staged before
-- keep a null password_hash, and apply makes their temporary passwords as it did.
ALTER TABLE "directory"."import_rows" ADD COLUMN "password_generated" boolean DEFAULT false NOT NULL;
