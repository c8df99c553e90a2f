DROP INDEX "sales"."account_accountnumber_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "account_accountnumber_key" ON "sales"."account" USING btree ("accountnumber");