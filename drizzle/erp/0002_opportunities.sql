CREATE TABLE "erp"."opportunities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"number" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"contact_number" text DEFAULT '' NOT NULL,
	"salesperson_code" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'Not Started' NOT NULL,
	"creation_date" date DEFAULT current_date NOT NULL,
	"date_closed" date,
	"chances_of_success_prc" numeric DEFAULT '0' NOT NULL,
	"completed_prc" numeric DEFAULT '0' NOT NULL,
	"estimated_closing_date" date,
	"estimated_value" numeric DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
ALTER TABLE "erp"."opportunities" ADD CONSTRAINT "opportunities_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "opportunities_number_idx" ON "erp"."opportunities" USING btree ("company_id","number");--> statement-breakpoint
CREATE INDEX "opportunities_contact_number_idx" ON "erp"."opportunities" USING btree ("company_id","contact_number");--> statement-breakpoint
CREATE INDEX "opportunities_salesperson_code_idx" ON "erp"."opportunities" USING btree ("company_id","salesperson_code");--> statement-breakpoint
CREATE INDEX "opportunities_row_version_idx" ON "erp"."opportunities" USING btree ("company_id","row_version");--> statement-breakpoint
-- Opportunities are a record table: writes need the company write lock (see 0001_company_write_lock).
CREATE TRIGGER opportunities_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.opportunities
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
-- The opportunity number series (OP000001, …) for companies created before this migration; new
-- companies get it from number-series.ts (DEFAULT_SERIES).
INSERT INTO "erp"."number_series" ("company_id", "code", "prefix", "width", "step", "last_no")
  SELECT "id", 'OPP', 'OP', 6, 1, 0 FROM "erp"."companies"
  ON CONFLICT DO NOTHING;
