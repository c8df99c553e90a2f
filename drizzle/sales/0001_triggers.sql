-- The Sales write lock: every statement that writes a versioned table first takes one
-- transaction-scoped advisory lock, so Sales writes commit one at a time and versionnumbers are
-- committed in order (a change-tracking delta link or the bridge's cursor never skips a late commit).
-- Code that takes other locks before writing calls lockSalesWrites() (src/sales/write-lock.ts) first.
CREATE FUNCTION sales.lock_sales_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7246020);
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Every insert and update gets a new versionnumber and modifiedon; an update keeps createdon/createdby.
CREATE FUNCTION sales.stamp_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.versionnumber := nextval('sales.version');
  NEW.modifiedon := now();
  IF TG_OP = 'UPDATE' THEN
    NEW.createdon := OLD.createdon;
    NEW.createdby := OLD.createdby;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- A deleted record leaves its id (and owner, for access checks) with a fresh versionnumber.
-- TG_ARGV[0] is the entity's logical name, TG_ARGV[1] its primary key column.
CREATE FUNCTION sales.record_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD);
BEGIN
  INSERT INTO sales.deleted_records (entitylogicalname, objectid, ownerid, owningbusinessunit, versionnumber)
  VALUES (TG_ARGV[0], (old_row ->> TG_ARGV[1])::uuid, (old_row ->> 'ownerid')::uuid,
          (old_row ->> 'owningbusinessunit')::uuid, nextval('sales.version'));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER organization_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.organization
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER organization_stamp_version BEFORE INSERT OR UPDATE ON sales.organization
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER businessunits_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.businessunits
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER businessunits_stamp_version BEFORE INSERT OR UPDATE ON sales.businessunits
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER systemusers_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.systemusers
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER systemusers_stamp_version BEFORE INSERT OR UPDATE ON sales.systemusers
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER solutions_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.solutions
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER solutions_stamp_version BEFORE INSERT OR UPDATE ON sales.solutions
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER roles_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.roles
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER roles_stamp_version BEFORE INSERT OR UPDATE ON sales.roles
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER transactioncurrency_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.transactioncurrency
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER transactioncurrency_stamp_version BEFORE INSERT OR UPDATE ON sales.transactioncurrency
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER account_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.account
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER account_stamp_version BEFORE INSERT OR UPDATE ON sales.account
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER contact_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.contact
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER contact_stamp_version BEFORE INSERT OR UPDATE ON sales.contact
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER product_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.product
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER product_stamp_version BEFORE INSERT OR UPDATE ON sales.product
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER opportunity_write_lock BEFORE INSERT OR UPDATE OR DELETE ON sales.opportunity
  FOR EACH STATEMENT EXECUTE FUNCTION sales.lock_sales_writes();
--> statement-breakpoint
CREATE TRIGGER opportunity_stamp_version BEFORE INSERT OR UPDATE ON sales.opportunity
  FOR EACH ROW EXECUTE FUNCTION sales.stamp_version();
--> statement-breakpoint
CREATE TRIGGER account_deleted AFTER DELETE ON sales.account
  FOR EACH ROW EXECUTE FUNCTION sales.record_deleted('account', 'accountid');
--> statement-breakpoint
CREATE TRIGGER contact_deleted AFTER DELETE ON sales.contact
  FOR EACH ROW EXECUTE FUNCTION sales.record_deleted('contact', 'contactid');
--> statement-breakpoint
CREATE TRIGGER transactioncurrency_deleted AFTER DELETE ON sales.transactioncurrency
  FOR EACH ROW EXECUTE FUNCTION sales.record_deleted('transactioncurrency', 'transactioncurrencyid');
--> statement-breakpoint
CREATE TRIGGER product_deleted AFTER DELETE ON sales.product
  FOR EACH ROW EXECUTE FUNCTION sales.record_deleted('product', 'productid');
--> statement-breakpoint
CREATE TRIGGER opportunity_deleted AFTER DELETE ON sales.opportunity
  FOR EACH ROW EXECUTE FUNCTION sales.record_deleted('opportunity', 'opportunityid');
