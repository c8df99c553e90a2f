CREATE SCHEMA "erp";
--> statement-breakpoint
CREATE SEQUENCE "erp"."row_version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "erp"."audit_log" (
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
CREATE TABLE "erp"."companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"display_name" text NOT NULL,
	"business_profile_id" text DEFAULT '' NOT NULL,
	"lcy_code" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL,
	CONSTRAINT "companies_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "erp"."contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"number" text NOT NULL,
	"type" text DEFAULT 'Company' NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"company_number" text DEFAULT '' NOT NULL,
	"contact_business_relation" text DEFAULT 'None' NOT NULL,
	"address_line1" text DEFAULT '' NOT NULL,
	"address_line2" text DEFAULT '' NOT NULL,
	"city" text DEFAULT '' NOT NULL,
	"state" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"postal_code" text DEFAULT '' NOT NULL,
	"phone_number" text DEFAULT '' NOT NULL,
	"mobile_phone_number" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"website" text DEFAULT '' NOT NULL,
	"search_name" text DEFAULT '' NOT NULL,
	"privacy_blocked" boolean DEFAULT false NOT NULL,
	"tax_registration_number" text DEFAULT '' NOT NULL,
	"last_interaction_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."currencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"symbol" text DEFAULT '' NOT NULL,
	"amount_decimal_places" text DEFAULT '2:2' NOT NULL,
	"amount_rounding_precision" numeric DEFAULT '0.01' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"number" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"type" text DEFAULT 'Company' NOT NULL,
	"address_line1" text DEFAULT '' NOT NULL,
	"address_line2" text DEFAULT '' NOT NULL,
	"city" text DEFAULT '' NOT NULL,
	"state" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"postal_code" text DEFAULT '' NOT NULL,
	"phone_number" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"website" text DEFAULT '' NOT NULL,
	"salesperson_code" text DEFAULT '' NOT NULL,
	"credit_limit" numeric DEFAULT '0' NOT NULL,
	"tax_liable" boolean DEFAULT false NOT NULL,
	"tax_area_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"tax_registration_number" text DEFAULT '' NOT NULL,
	"currency_code" text DEFAULT '' NOT NULL,
	"payment_terms_code" text DEFAULT '' NOT NULL,
	"shipment_method_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"payment_method_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"blocked" text DEFAULT ' ' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."feed_cursors" (
	"consumer" text PRIMARY KEY NOT NULL,
	"cursor" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"number" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"display_name2" text DEFAULT '' NOT NULL,
	"type" text DEFAULT 'Inventory' NOT NULL,
	"item_category_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"item_category_code" text DEFAULT '' NOT NULL,
	"blocked" boolean DEFAULT false NOT NULL,
	"gtin" text DEFAULT '' NOT NULL,
	"inventory" numeric DEFAULT '0' NOT NULL,
	"unit_price" numeric DEFAULT '0' NOT NULL,
	"price_includes_tax" boolean DEFAULT false NOT NULL,
	"unit_cost" numeric DEFAULT '0' NOT NULL,
	"tax_group_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"tax_group_code" text DEFAULT '' NOT NULL,
	"base_unit_of_measure_code" text DEFAULT '' NOT NULL,
	"general_product_posting_group_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"general_product_posting_group_code" text DEFAULT '' NOT NULL,
	"inventory_posting_group_id" uuid DEFAULT '00000000-0000-0000-0000-000000000000' NOT NULL,
	"inventory_posting_group_code" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."number_series" (
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"prefix" text NOT NULL,
	"width" bigint NOT NULL,
	"step" bigint NOT NULL,
	"last_no" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "number_series_company_id_code_pk" PRIMARY KEY("company_id","code")
);
--> statement-breakpoint
CREATE TABLE "erp"."payment_terms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"due_date_calculation" text DEFAULT '' NOT NULL,
	"discount_date_calculation" text DEFAULT '' NOT NULL,
	"discount_percent" numeric DEFAULT '0' NOT NULL,
	"calculate_discount_on_credit_memos" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."salespeople" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"email2" text DEFAULT '' NOT NULL,
	"phone_no" text DEFAULT '' NOT NULL,
	"job_title" text DEFAULT '' NOT NULL,
	"commission_percent" numeric DEFAULT '0' NOT NULL,
	"privacy_blocked" boolean DEFAULT false NOT NULL,
	"blocked" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."tombstones" (
	"row_version" bigint PRIMARY KEY DEFAULT nextval('erp.row_version') NOT NULL,
	"company_id" uuid NOT NULL,
	"entity_set" text NOT NULL,
	"record_id" uuid NOT NULL,
	"record_key" text NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_by" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."units_of_measure" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"code" text NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"international_standard_code" text DEFAULT '' NOT NULL,
	"symbol" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erp"."user_permission_sets" (
	"user_id" uuid NOT NULL,
	"permission_set" text NOT NULL,
	"origin" text NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_by" uuid NOT NULL,
	CONSTRAINT "user_permission_sets_user_id_permission_set_pk" PRIMARY KEY("user_id","permission_set")
);
--> statement-breakpoint
CREATE TABLE "erp"."users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"app_id" text,
	"user_name" text NOT NULL,
	"display_name" text NOT NULL,
	"email" text,
	"state" text NOT NULL,
	"disabled_reason" text,
	"licensed" boolean DEFAULT false NOT NULL,
	"global_administrator" boolean DEFAULT false NOT NULL,
	"directory_version" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_by" uuid NOT NULL,
	"row_version" bigint DEFAULT nextval('erp.row_version') NOT NULL,
	CONSTRAINT "users_app_id_unique" UNIQUE("app_id")
);
--> statement-breakpoint
ALTER TABLE "erp"."contacts" ADD CONSTRAINT "contacts_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."currencies" ADD CONSTRAINT "currencies_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."customers" ADD CONSTRAINT "customers_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."items" ADD CONSTRAINT "items_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."number_series" ADD CONSTRAINT "number_series_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."payment_terms" ADD CONSTRAINT "payment_terms_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."salespeople" ADD CONSTRAINT "salespeople_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."tombstones" ADD CONSTRAINT "tombstones_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."units_of_measure" ADD CONSTRAINT "units_of_measure_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "erp"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erp"."user_permission_sets" ADD CONSTRAINT "user_permission_sets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "erp"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "erp"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_number_idx" ON "erp"."contacts" USING btree ("company_id","number");--> statement-breakpoint
CREATE INDEX "contacts_company_number_idx" ON "erp"."contacts" USING btree ("company_id","company_number");--> statement-breakpoint
CREATE INDEX "contacts_row_version_idx" ON "erp"."contacts" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "currencies_code_idx" ON "erp"."currencies" USING btree ("company_id","code");--> statement-breakpoint
CREATE INDEX "currencies_row_version_idx" ON "erp"."currencies" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_number_idx" ON "erp"."customers" USING btree ("company_id","number");--> statement-breakpoint
CREATE INDEX "customers_row_version_idx" ON "erp"."customers" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "items_number_idx" ON "erp"."items" USING btree ("company_id","number");--> statement-breakpoint
CREATE INDEX "items_row_version_idx" ON "erp"."items" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_terms_code_idx" ON "erp"."payment_terms" USING btree ("company_id","code");--> statement-breakpoint
CREATE INDEX "payment_terms_row_version_idx" ON "erp"."payment_terms" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "salespeople_code_idx" ON "erp"."salespeople" USING btree ("company_id","code");--> statement-breakpoint
CREATE INDEX "salespeople_row_version_idx" ON "erp"."salespeople" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE INDEX "tombstones_feed_idx" ON "erp"."tombstones" USING btree ("company_id","entity_set","row_version");--> statement-breakpoint
CREATE UNIQUE INDEX "units_of_measure_code_idx" ON "erp"."units_of_measure" USING btree ("company_id","code");--> statement-breakpoint
CREATE INDEX "units_of_measure_row_version_idx" ON "erp"."units_of_measure" USING btree ("company_id","row_version");--> statement-breakpoint
CREATE INDEX "users_user_name_idx" ON "erp"."users" USING btree ("user_name");