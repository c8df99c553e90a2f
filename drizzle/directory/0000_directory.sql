CREATE SCHEMA "directory";
--> statement-breakpoint
CREATE SEQUENCE "directory"."row_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "directory"."applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"app_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"display_name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('directory.row_version') NOT NULL,
	CONSTRAINT "applications_app_id_unique" UNIQUE("app_id")
);
--> statement-breakpoint
CREATE TABLE "directory"."audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory"."domains" (
	"name" text PRIMARY KEY NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('directory.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory"."import_problems" (
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"row_number" integer NOT NULL,
	"column" text NOT NULL,
	"value" text,
	"message" text NOT NULL,
	CONSTRAINT "import_problems_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "directory"."import_rows" (
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"user_principal_name" text NOT NULL,
	"fields" jsonb NOT NULL,
	"valid" boolean NOT NULL,
	"outcome" text,
	"temporary_password_sealed" text,
	"user_id" uuid,
	CONSTRAINT "import_rows_import_id_row_number_pk" PRIMARY KEY("import_id","row_number")
);
--> statement-breakpoint
CREATE TABLE "directory"."imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"file_name" text,
	"format" text NOT NULL,
	"state" text NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"problem_count" integer DEFAULT 0 NOT NULL,
	"options" jsonb,
	"result" jsonb,
	"results_taken" boolean DEFAULT false NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "directory"."sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory"."settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory"."signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk_sealed" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory"."skus" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"part_number" text NOT NULL,
	"name" text NOT NULL,
	"seats" integer NOT NULL,
	"consumed" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('directory.row_version') NOT NULL,
	CONSTRAINT "skus_part_number_unique" UNIQUE("part_number")
);
--> statement-breakpoint
CREATE TABLE "directory"."user_licences" (
	"user_id" uuid NOT NULL,
	"sku_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_by" uuid NOT NULL,
	CONSTRAINT "user_licences_user_id_sku_id_pk" PRIMARY KEY("user_id","sku_id")
);
--> statement-breakpoint
CREATE TABLE "directory"."users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_principal_name" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"display_name" text NOT NULL,
	"job_title" text,
	"department" text,
	"office_number" text,
	"office_phone" text,
	"mobile_phone" text,
	"fax" text,
	"alternate_email" text,
	"address" text,
	"city" text,
	"state" text,
	"postal_code" text,
	"country" text,
	"usage_location" text,
	"sign_in_allowed" boolean DEFAULT true NOT NULL,
	"directory_role" text DEFAULT 'user' NOT NULL,
	"password_hash" text,
	"must_change_password" boolean DEFAULT true NOT NULL,
	"password_changed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('directory.row_version') NOT NULL
);
--> statement-breakpoint
ALTER TABLE "directory"."import_problems" ADD CONSTRAINT "import_problems_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "directory"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory"."import_rows" ADD CONSTRAINT "import_rows_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "directory"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory"."sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "directory"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory"."user_licences" ADD CONSTRAINT "user_licences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "directory"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory"."user_licences" ADD CONSTRAINT "user_licences_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "directory"."skus"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "directory"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "import_rows_upn_idx" ON "directory"."import_rows" USING btree ("import_id","user_principal_name");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "directory"."sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "user_licences_sku_idx" ON "directory"."user_licences" USING btree ("sku_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_upn_key" ON "directory"."users" USING btree ("user_principal_name");--> statement-breakpoint
CREATE INDEX "users_row_version_idx" ON "directory"."users" USING btree ("row_version");--> statement-breakpoint
CREATE INDEX "users_display_name_idx" ON "directory"."users" USING btree ("display_name");