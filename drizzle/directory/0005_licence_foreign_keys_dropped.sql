ALTER TABLE "directory"."user_licences" DROP CONSTRAINT "user_licences_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "directory"."user_licences" DROP CONSTRAINT "user_licences_sku_id_skus_id_fk";
