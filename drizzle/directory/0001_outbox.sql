CREATE TABLE "directory"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_at_idx" ON "directory"."outbox" USING btree ("at");--> statement-breakpoint
CREATE INDEX "users_created_at_idx" ON "directory"."users" USING btree ("created_at","id");