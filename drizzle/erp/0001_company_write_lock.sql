-- The company write lock. A record's row version is drawn from a sequence before its transaction
-- commits, so without care a transaction that drew version 10 could commit after one that drew 11,
-- and a change-feed reader that had already moved past 11 would never see 10. Every write to a
-- record table therefore runs under a transaction-scoped advisory lock per company, taken by
-- write-lock.ts as the transaction's first statement (before any version is drawn, and before any
-- other lock, so lock order is always the same and writers cannot deadlock). Versions of one company
-- are then drawn and committed in the same order.
--
-- This guard makes forgetting the lock impossible: a row written to a record table whose company's
-- lock the transaction does not hold (recorded in the transaction-local setting erp.locked_companies
-- by the helper) is refused.
CREATE FUNCTION erp.require_company_write_lock() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  company uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN company := OLD.company_id; ELSE company := NEW.company_id; END IF;
  IF position(company::text IN coalesce(current_setting('erp.locked_companies', true), '')) = 0 THEN
    RAISE EXCEPTION 'ERP record write to % without the company write lock for %', TG_TABLE_NAME, company
      USING HINT = 'Write ERP records through withCompanyWrite (src/erp/write-lock.ts).';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER salespeople_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.salespeople
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER customers_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.customers
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER contacts_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.contacts
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER items_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.items
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER currencies_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.currencies
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER units_of_measure_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.units_of_measure
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER payment_terms_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.payment_terms
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
--> statement-breakpoint
CREATE TRIGGER tombstones_write_lock BEFORE INSERT OR UPDATE OR DELETE ON erp.tombstones
  FOR EACH ROW EXECUTE FUNCTION erp.require_company_write_lock();
