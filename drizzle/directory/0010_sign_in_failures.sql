CREATE TABLE "directory"."sign_in_failures" (
	"account" text NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sign_in_failures_account_source_idx" ON "directory"."sign_in_failures" USING btree ("account","source","at");--> statement-breakpoint
CREATE INDEX "sign_in_failures_source_idx" ON "directory"."sign_in_failures" USING btree ("source","at");--> statement-breakpoint
CREATE INDEX "sign_in_failures_at_idx" ON "directory"."sign_in_failures" USING btree ("at");