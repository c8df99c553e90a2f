-- Staged import rows: one typed column per field instead of a jsonb document (COPY-friendly, and
-- apply reads plain columns). Rows staged before this migration are converted, so an import verified
-- before an upgrade can still be applied after it.
ALTER TABLE "directory"."import_rows" ADD COLUMN "first_name" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "last_name" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "job_title" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "office_number" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "office_phone" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "mobile_phone" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "fax" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "alternate_email" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "state" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "postal_code" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "usage_location" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "country_code" text;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "sign_in_blocked" boolean;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD COLUMN "password_hash" text;--> statement-breakpoint
UPDATE "directory"."import_rows" SET
  first_name = fields->>'firstName',
  last_name = fields->>'lastName',
  display_name = fields->>'displayName',
  job_title = fields->>'jobTitle',
  department = fields->>'department',
  office_number = fields->>'officeNumber',
  office_phone = fields->>'officePhone',
  mobile_phone = fields->>'mobilePhone',
  fax = fields->>'fax',
  alternate_email = fields->>'alternateEmail',
  address = fields->>'address',
  city = fields->>'city',
  state = fields->>'state',
  postal_code = fields->>'postalCode',
  country = fields->>'country',
  usage_location = fields->>'usageLocation',
  country_code = fields->>'countryCode',
  password_hash = fields->>'passwordHash',
  sign_in_blocked = (fields->>'signInBlocked')::boolean,
  user_id = coalesce(user_id, gen_random_uuid());--> statement-breakpoint
-- Which columns each import's file had (an update keeps the users' other fields): the keys of its
-- staged rows' documents, which hold every column of the file's layout.
UPDATE "directory"."imports" i SET options = coalesce(i.options, '{}'::jsonb) || jsonb_build_object('columns', (
  SELECT coalesce(jsonb_agg(k.key), '[]'::jsonb) FROM (
    SELECT DISTINCT jsonb_object_keys(r.fields) AS key FROM "directory"."import_rows" r WHERE r.import_id = i.id
  ) k))
WHERE EXISTS (SELECT 1 FROM "directory"."import_rows" r WHERE r.import_id = i.id);--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ALTER COLUMN "user_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" DROP COLUMN "fields";