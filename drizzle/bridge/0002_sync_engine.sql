CREATE TABLE "bridge"."sync_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mapping" text NOT NULL,
	"source_side" text NOT NULL,
	"source_id" uuid NOT NULL,
	"source_name" text,
	"destination_id" uuid,
	"kind" text DEFAULT 'failed' NOT NULL,
	"message" text NOT NULL,
	"remote_status" integer,
	"remote_code" text,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_run_id" bigint,
	"skipped" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bridge"."sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mapping" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"actor_id" uuid NOT NULL,
	"actor_name" text NOT NULL,
	"to_sales" jsonb NOT NULL,
	"to_erp" jsonb NOT NULL,
	"message" text
);
--> statement-breakpoint
CREATE TABLE "bridge"."sync_state" (
	"mapping" text PRIMARY KEY NOT NULL,
	"erp_watermark" bigint DEFAULT 0 NOT NULL,
	"sales_cursor" text,
	"run_epoch" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"run_id" bigint,
	"full_requested" boolean DEFAULT false NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_error" text,
	"not_before" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bridge"."couplings" ADD COLUMN "state" text DEFAULT 'coupled' NOT NULL;--> statement-breakpoint
ALTER TABLE "bridge"."couplings" ADD COLUMN "pending_side" text;--> statement-breakpoint
ALTER TABLE "bridge"."couplings" ADD COLUMN "base_values" jsonb;--> statement-breakpoint
ALTER TABLE "bridge"."mappings" ADD COLUMN "merge_tie_break" text DEFAULT 'Fail' NOT NULL;--> statement-breakpoint
ALTER TABLE "bridge"."mappings" ADD COLUMN "skip_after_failures" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_errors_source_idx" ON "bridge"."sync_errors" USING btree ("mapping","source_side","source_id");--> statement-breakpoint
CREATE INDEX "sync_runs_mapping_idx" ON "bridge"."sync_runs" USING btree ("mapping","id");