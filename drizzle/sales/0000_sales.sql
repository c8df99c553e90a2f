CREATE SCHEMA "sales";
--> statement-breakpoint
CREATE SEQUENCE "sales"."version" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "sales"."account" (
	"accountid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(160) NOT NULL,
	"accountnumber" varchar(20),
	"telephone1" varchar(50),
	"emailaddress1" varchar(100),
	"websiteurl" varchar(200),
	"address1_line1" varchar(250),
	"address1_city" varchar(80),
	"address1_stateorprovince" varchar(50),
	"address1_postalcode" varchar(20),
	"address1_country" varchar(80),
	"description" text,
	"creditlimit" numeric(19, 4),
	"transactioncurrencyid" uuid,
	"primarycontactid" uuid,
	"parentaccountid" uuid,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"statecode" integer DEFAULT 0 NOT NULL,
	"statuscode" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actorid" uuid NOT NULL,
	"actorname" text NOT NULL,
	"action" text NOT NULL,
	"targettype" text NOT NULL,
	"targetid" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."businessunits" (
	"businessunitid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(160) NOT NULL,
	"parentbusinessunitid" uuid,
	"isdisabled" boolean DEFAULT false NOT NULL,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."contact" (
	"contactid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"firstname" varchar(50),
	"lastname" varchar(50),
	"fullname" varchar(160),
	"emailaddress1" varchar(100),
	"telephone1" varchar(50),
	"mobilephone" varchar(50),
	"jobtitle" varchar(100),
	"address1_line1" varchar(250),
	"address1_city" varchar(80),
	"address1_stateorprovince" varchar(50),
	"address1_postalcode" varchar(20),
	"address1_country" varchar(80),
	"parentcustomerid" uuid,
	"parentcustomeridtype" varchar(16),
	"transactioncurrencyid" uuid,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"statecode" integer DEFAULT 0 NOT NULL,
	"statuscode" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."deleted_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entitylogicalname" varchar(64) NOT NULL,
	"objectid" uuid NOT NULL,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"deletedon" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."opportunity" (
	"opportunityid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(300) NOT NULL,
	"customerid" uuid,
	"customeridtype" varchar(16),
	"estimatedvalue" numeric(19, 4),
	"estimatedclosedate" date,
	"closeprobability" integer,
	"description" text,
	"transactioncurrencyid" uuid,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"statecode" integer DEFAULT 0 NOT NULL,
	"statuscode" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."organization" (
	"organizationid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(160) NOT NULL,
	"basecurrencyid" uuid,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."product" (
	"productid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(100) NOT NULL,
	"productnumber" varchar(100) NOT NULL,
	"description" text,
	"price" numeric(19, 4),
	"standardcost" numeric(19, 4),
	"currentcost" numeric(19, 4),
	"quantityonhand" numeric(23, 5),
	"transactioncurrencyid" uuid,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"statecode" integer DEFAULT 0 NOT NULL,
	"statuscode" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."provisioning_state" (
	"consumer" text PRIMARY KEY NOT NULL,
	"cursor" bigint,
	"full_load_cursor" bigint,
	"full_load_after_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."roleprivileges" (
	"roleid" uuid NOT NULL,
	"privilegename" varchar(100) NOT NULL,
	"tablename" varchar(64),
	"accessright" varchar(16),
	"depth" varchar(32) NOT NULL,
	CONSTRAINT "roleprivileges_roleid_privilegename_pk" PRIMARY KEY("roleid","privilegename")
);
--> statement-breakpoint
CREATE TABLE "sales"."roles" (
	"roleid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(100) NOT NULL,
	"businessunitid" uuid NOT NULL,
	"parentrootroleid" uuid,
	"roletemplatekey" varchar(100),
	"solutionid" uuid,
	"iscustomizable" boolean DEFAULT true NOT NULL,
	"ismanaged" boolean DEFAULT false NOT NULL,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."solutions" (
	"solutionid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"uniquename" varchar(65) NOT NULL,
	"friendlyname" varchar(256) NOT NULL,
	"version" varchar(32) NOT NULL,
	"ismanaged" boolean DEFAULT true NOT NULL,
	"installedon" timestamp with time zone DEFAULT now() NOT NULL,
	"manifest" jsonb NOT NULL,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."systemuserroles" (
	"systemuserid" uuid NOT NULL,
	"roleid" uuid NOT NULL,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	CONSTRAINT "systemuserroles_systemuserid_roleid_pk" PRIMARY KEY("systemuserid","roleid")
);
--> statement-breakpoint
CREATE TABLE "sales"."systemusers" (
	"systemuserid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"domainname" varchar(1024) NOT NULL,
	"internalemailaddress" varchar(100),
	"fullname" varchar(200),
	"firstname" varchar(64),
	"lastname" varchar(64),
	"title" varchar(128),
	"mobilephone" varchar(64),
	"address1_telephone1" varchar(64),
	"accessmode" integer DEFAULT 0 NOT NULL,
	"isdisabled" boolean DEFAULT false NOT NULL,
	"islicensed" boolean DEFAULT false NOT NULL,
	"isintegrationuser" boolean DEFAULT false NOT NULL,
	"applicationid" uuid,
	"azureactivedirectoryobjectid" uuid,
	"businessunitid" uuid NOT NULL,
	"caltype" integer DEFAULT 0 NOT NULL,
	"disabledreason" text,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales"."transactioncurrency" (
	"transactioncurrencyid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"isocurrencycode" varchar(5) NOT NULL,
	"currencyname" varchar(100) NOT NULL,
	"currencysymbol" varchar(10) NOT NULL,
	"exchangerate" numeric(23, 10) DEFAULT 1 NOT NULL,
	"currencyprecision" integer DEFAULT 2 NOT NULL,
	"ownerid" uuid,
	"owningbusinessunit" uuid,
	"createdon" timestamp with time zone DEFAULT now() NOT NULL,
	"createdby" uuid NOT NULL,
	"modifiedon" timestamp with time zone DEFAULT now() NOT NULL,
	"modifiedby" uuid NOT NULL,
	"versionnumber" bigint DEFAULT nextval('sales.version') NOT NULL,
	"statecode" integer DEFAULT 0 NOT NULL,
	"statuscode" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sales"."account" ADD CONSTRAINT "account_transactioncurrencyid_transactioncurrency_transactioncurrencyid_fk" FOREIGN KEY ("transactioncurrencyid") REFERENCES "sales"."transactioncurrency"("transactioncurrencyid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."account" ADD CONSTRAINT "account_primarycontactid_contact_contactid_fk" FOREIGN KEY ("primarycontactid") REFERENCES "sales"."contact"("contactid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."account" ADD CONSTRAINT "account_parentaccountid_account_accountid_fk" FOREIGN KEY ("parentaccountid") REFERENCES "sales"."account"("accountid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."account" ADD CONSTRAINT "account_ownerid_systemusers_systemuserid_fk" FOREIGN KEY ("ownerid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."account" ADD CONSTRAINT "account_owningbusinessunit_businessunits_businessunitid_fk" FOREIGN KEY ("owningbusinessunit") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."businessunits" ADD CONSTRAINT "businessunits_parentbusinessunitid_businessunits_businessunitid_fk" FOREIGN KEY ("parentbusinessunitid") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."contact" ADD CONSTRAINT "contact_transactioncurrencyid_transactioncurrency_transactioncurrencyid_fk" FOREIGN KEY ("transactioncurrencyid") REFERENCES "sales"."transactioncurrency"("transactioncurrencyid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."contact" ADD CONSTRAINT "contact_ownerid_systemusers_systemuserid_fk" FOREIGN KEY ("ownerid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."contact" ADD CONSTRAINT "contact_owningbusinessunit_businessunits_businessunitid_fk" FOREIGN KEY ("owningbusinessunit") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."opportunity" ADD CONSTRAINT "opportunity_transactioncurrencyid_transactioncurrency_transactioncurrencyid_fk" FOREIGN KEY ("transactioncurrencyid") REFERENCES "sales"."transactioncurrency"("transactioncurrencyid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."opportunity" ADD CONSTRAINT "opportunity_ownerid_systemusers_systemuserid_fk" FOREIGN KEY ("ownerid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."opportunity" ADD CONSTRAINT "opportunity_owningbusinessunit_businessunits_businessunitid_fk" FOREIGN KEY ("owningbusinessunit") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."product" ADD CONSTRAINT "product_transactioncurrencyid_transactioncurrency_transactioncurrencyid_fk" FOREIGN KEY ("transactioncurrencyid") REFERENCES "sales"."transactioncurrency"("transactioncurrencyid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."product" ADD CONSTRAINT "product_ownerid_systemusers_systemuserid_fk" FOREIGN KEY ("ownerid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."product" ADD CONSTRAINT "product_owningbusinessunit_businessunits_businessunitid_fk" FOREIGN KEY ("owningbusinessunit") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."roleprivileges" ADD CONSTRAINT "roleprivileges_roleid_roles_roleid_fk" FOREIGN KEY ("roleid") REFERENCES "sales"."roles"("roleid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."roles" ADD CONSTRAINT "roles_businessunitid_businessunits_businessunitid_fk" FOREIGN KEY ("businessunitid") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."roles" ADD CONSTRAINT "roles_parentrootroleid_roles_roleid_fk" FOREIGN KEY ("parentrootroleid") REFERENCES "sales"."roles"("roleid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."roles" ADD CONSTRAINT "roles_solutionid_solutions_solutionid_fk" FOREIGN KEY ("solutionid") REFERENCES "sales"."solutions"("solutionid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."systemuserroles" ADD CONSTRAINT "systemuserroles_systemuserid_systemusers_systemuserid_fk" FOREIGN KEY ("systemuserid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."systemuserroles" ADD CONSTRAINT "systemuserroles_roleid_roles_roleid_fk" FOREIGN KEY ("roleid") REFERENCES "sales"."roles"("roleid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."systemusers" ADD CONSTRAINT "systemusers_businessunitid_businessunits_businessunitid_fk" FOREIGN KEY ("businessunitid") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."transactioncurrency" ADD CONSTRAINT "transactioncurrency_ownerid_systemusers_systemuserid_fk" FOREIGN KEY ("ownerid") REFERENCES "sales"."systemusers"("systemuserid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales"."transactioncurrency" ADD CONSTRAINT "transactioncurrency_owningbusinessunit_businessunits_businessunitid_fk" FOREIGN KEY ("owningbusinessunit") REFERENCES "sales"."businessunits"("businessunitid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_version_idx" ON "sales"."account" USING btree ("versionnumber");--> statement-breakpoint
CREATE INDEX "account_owner_idx" ON "sales"."account" USING btree ("ownerid");--> statement-breakpoint
CREATE INDEX "account_bu_idx" ON "sales"."account" USING btree ("owningbusinessunit");--> statement-breakpoint
CREATE INDEX "account_accountnumber_idx" ON "sales"."account" USING btree ("accountnumber");--> statement-breakpoint
CREATE INDEX "sales_audit_at_idx" ON "sales"."audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "businessunits_name_key" ON "sales"."businessunits" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "businessunits_one_root" ON "sales"."businessunits" USING btree ((true)) WHERE parentbusinessunitid is null;--> statement-breakpoint
CREATE INDEX "businessunits_parent_idx" ON "sales"."businessunits" USING btree ("parentbusinessunitid");--> statement-breakpoint
CREATE INDEX "contact_version_idx" ON "sales"."contact" USING btree ("versionnumber");--> statement-breakpoint
CREATE INDEX "contact_owner_idx" ON "sales"."contact" USING btree ("ownerid");--> statement-breakpoint
CREATE INDEX "contact_bu_idx" ON "sales"."contact" USING btree ("owningbusinessunit");--> statement-breakpoint
CREATE INDEX "contact_parentcustomer_idx" ON "sales"."contact" USING btree ("parentcustomerid");--> statement-breakpoint
CREATE INDEX "deleted_records_entity_version_idx" ON "sales"."deleted_records" USING btree ("entitylogicalname","versionnumber");--> statement-breakpoint
CREATE INDEX "deleted_records_deletedon_idx" ON "sales"."deleted_records" USING btree ("deletedon");--> statement-breakpoint
CREATE INDEX "opportunity_version_idx" ON "sales"."opportunity" USING btree ("versionnumber");--> statement-breakpoint
CREATE INDEX "opportunity_owner_idx" ON "sales"."opportunity" USING btree ("ownerid");--> statement-breakpoint
CREATE INDEX "opportunity_bu_idx" ON "sales"."opportunity" USING btree ("owningbusinessunit");--> statement-breakpoint
CREATE INDEX "opportunity_customer_idx" ON "sales"."opportunity" USING btree ("customerid");--> statement-breakpoint
CREATE UNIQUE INDEX "product_productnumber_key" ON "sales"."product" USING btree ("productnumber");--> statement-breakpoint
CREATE INDEX "product_version_idx" ON "sales"."product" USING btree ("versionnumber");--> statement-breakpoint
CREATE UNIQUE INDEX "roles_bu_name_key" ON "sales"."roles" USING btree ("businessunitid","name");--> statement-breakpoint
CREATE INDEX "roles_parentroot_idx" ON "sales"."roles" USING btree ("parentrootroleid");--> statement-breakpoint
CREATE INDEX "roles_version_idx" ON "sales"."roles" USING btree ("versionnumber");--> statement-breakpoint
CREATE UNIQUE INDEX "solutions_uniquename_key" ON "sales"."solutions" USING btree ("uniquename");--> statement-breakpoint
CREATE INDEX "systemuserroles_role_idx" ON "sales"."systemuserroles" USING btree ("roleid");--> statement-breakpoint
CREATE UNIQUE INDEX "systemusers_aad_key" ON "sales"."systemusers" USING btree ("azureactivedirectoryobjectid");--> statement-breakpoint
CREATE UNIQUE INDEX "systemusers_applicationid_key" ON "sales"."systemusers" USING btree ("applicationid");--> statement-breakpoint
CREATE INDEX "systemusers_domainname_idx" ON "sales"."systemusers" USING btree ("domainname");--> statement-breakpoint
CREATE INDEX "systemusers_businessunit_idx" ON "sales"."systemusers" USING btree ("businessunitid");--> statement-breakpoint
CREATE INDEX "systemusers_version_idx" ON "sales"."systemusers" USING btree ("versionnumber");--> statement-breakpoint
CREATE UNIQUE INDEX "transactioncurrency_iso_key" ON "sales"."transactioncurrency" USING btree ("isocurrencycode");--> statement-breakpoint
CREATE INDEX "transactioncurrency_version_idx" ON "sales"."transactioncurrency" USING btree ("versionnumber");