CREATE SCHEMA "bridge";
--> statement-breakpoint
CREATE TABLE "bridge"."audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."connections" (
	"name" text PRIMARY KEY DEFAULT 'default' NOT NULL,
	"sales_url" text,
	"allow_http" boolean DEFAULT false NOT NULL,
	"directory_url" text,
	"erp_url" text,
	"erp_company_id" uuid,
	"identity_kind" text,
	"identity_name" text,
	"identity_directory_id" uuid,
	"identity_secret_sealed" text,
	"sales_user_id" uuid,
	"erp_user_id" uuid,
	"setup_admin_upn" text,
	"setup_admin_sales_user_id" uuid,
	"expected_access_mode" integer,
	"solution_version" text,
	"lcy" text,
	"enabled" boolean DEFAULT false NOT NULL,
	"disabled_reason" text,
	"suspended" boolean DEFAULT false NOT NULL,
	"last_check_at" timestamp with time zone,
	"last_checks" jsonb,
	"setup" jsonb,
	"setup_completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."couplings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mapping" text NOT NULL,
	"erp_id" uuid NOT NULL,
	"sales_id" uuid NOT NULL,
	"erp_version" bigint,
	"sales_version" bigint,
	"last_synced_at" timestamp with time zone,
	"last_result" text,
	"last_error" text,
	"failure_count" integer DEFAULT 0 NOT NULL,
	"skipped" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."mappings" (
	"name" text PRIMARY KEY NOT NULL,
	"erp_entity" text NOT NULL,
	"sales_entity" text NOT NULL,
	"direction" text NOT NULL,
	"fields" jsonb NOT NULL,
	"erp_filter" text,
	"sales_filter" text,
	"depends_on" text[] DEFAULT '{}'::text[] NOT NULL,
	"conflict_policy" text NOT NULL,
	"deletion_policy" text NOT NULL,
	"sync_only_coupled" boolean DEFAULT true NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT true NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."person_edits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_set" text NOT NULL,
	"record_id" uuid NOT NULL,
	"record_name" text,
	"version_number" bigint NOT NULL,
	"modified_on" timestamp with time zone,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."sales_watch" (
	"entity_set" text PRIMARY KEY NOT NULL,
	"delta_link" text NOT NULL,
	"sales_user_id" uuid NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "bridge"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "couplings_mapping_erp_idx" ON "bridge"."couplings" USING btree ("mapping","erp_id");--> statement-breakpoint
CREATE UNIQUE INDEX "couplings_mapping_sales_idx" ON "bridge"."couplings" USING btree ("mapping","sales_id");--> statement-breakpoint
CREATE UNIQUE INDEX "person_edits_record_version_idx" ON "bridge"."person_edits" USING btree ("entity_set","record_id","version_number");