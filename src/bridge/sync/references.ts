/**
 * Lookups between the apps, resolved through couplings (cached for one run): salesperson code ↔ the
 * Sales user coupled to it (SALESPEOPLE, rule A6), currency ISO code ↔ Sales currency, customer
 * number ↔ the account coupled to that customer (CUSTOMER). A lookup to a record not coupled yet is a
 * record error: `waiting` when the sync itself will couple it (its mapping runs first), `failed` with
 * the fix when a person must act.
 */
import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/database.js';
import type { ErpClient, SalesClient } from '../clients/index.js';
import { deriveSalespersonCode } from '../coupling/salesperson-code.js';
import { couplings } from '../schema.js';
import { RecordSyncError } from './record-error.js';

const quote = (text: string) => text.replace(/'/g, "''");

export interface ReferenceDeps {
  db: Queryable;
  erp: ErpClient;
  sales: SalesClient;
  companyId: string;
  /** The ERP company's local currency (ISO code): the ERP stores it as blank. */
  lcy: string;
  /** The integration identity's systemuserid (owner of records without a salesperson). */
  integrationSalesUserId: string;
}

export class References {
  private salespeople?: Promise<{ byId: Map<string, string>; byCode: Map<string, string> }>;
  private currencies?: Promise<{ byId: Map<string, string>; byCode: Map<string, string> }>;
  private readonly customerNumbers = new Map<string, string>();
  private readonly customerIds = new Map<string, string | null>();

  constructor(private readonly deps: ReferenceDeps) {}

  async localCurrency(): Promise<string> {
    return this.deps.lcy;
  }

  async integrationUserId(): Promise<string> {
    return this.deps.integrationSalesUserId;
  }

  private async coupled(mapping: string, side: 'erp' | 'sales', id: string): Promise<string | null> {
    const column = side === 'erp' ? couplings.erpId : couplings.salesId;
    const [row] = await this.deps.db
      .select({ erpId: couplings.erpId, salesId: couplings.salesId })
      .from(couplings)
      .where(and(eq(couplings.mapping, mapping), eq(column, id), eq(couplings.state, 'coupled')));
    if (!row) return null;
    return side === 'erp' ? row.salesId : row.erpId;
  }

  private loadSalespeople() {
    this.salespeople ??= this.deps.erp
      .list(this.deps.companyId, 'salespeoplePurchasers', { select: ['id', 'code'] })
      .then((rows) => ({
        byId: new Map(rows.map((r) => [r.id, String(r.code)])),
        byCode: new Map(rows.map((r) => [String(r.code).toUpperCase(), r.id])),
      }));
    return this.salespeople;
  }

  private loadCurrencies() {
    this.currencies ??= this.deps.sales
      .listAll('transactioncurrencies', { select: ['transactioncurrencyid', 'isocurrencycode'] })
      .then((rows) => ({
        byId: new Map(rows.map((r) => [String(r.transactioncurrencyid), String(r.isocurrencycode)])),
        byCode: new Map(
          rows.map((r) => [String(r.isocurrencycode).toUpperCase(), String(r.transactioncurrencyid)]),
        ),
      }));
    return this.currencies;
  }

  /** A new salesperson code for a Sales user (initials, made unique), remembered as taken. */
  async newSalespersonCode(user: { fullname?: string | null; email?: string | null }): Promise<string> {
    const people = await this.loadSalespeople();
    const code = deriveSalespersonCode(user, new Set(people.byCode.keys()));
    people.byCode.set(code, '');
    return code;
  }

  /** The code of the salesperson coupled to a Sales user; null when the user has none. */
  async salespersonCodeOfUser(systemUserId: string): Promise<string | null> {
    const salespersonId = await this.coupled('SALESPEOPLE', 'sales', systemUserId);
    if (!salespersonId) return null;
    return (await this.loadSalespeople()).byId.get(salespersonId) ?? null;
  }

  /** The Sales user coupled to a salesperson (rule A6: a failure naming the salesperson and the fix). */
  async userOfSalespersonCode(code: string, what: string): Promise<string> {
    const salespersonId = (await this.loadSalespeople()).byCode.get(code.toUpperCase());
    if (!salespersonId)
      throw new RecordSyncError(
        `Salesperson ${code} of ${what} does not exist in the ERP. Correct the salesperson code of ${what}, then retry.`,
      );
    const userId = await this.coupled('SALESPEOPLE', 'erp', salespersonId);
    if (!userId)
      throw new RecordSyncError(
        `Salesperson ${code} of ${what} is not coupled to a Sales user, so the record cannot get its owner in Sales (rule A6). Couple salesperson ${code} to a Sales user, then retry.`,
      );
    return userId;
  }

  async currencyCodeOfSales(transactionCurrencyId: string): Promise<string | null> {
    return (await this.loadCurrencies()).byId.get(transactionCurrencyId) ?? null;
  }

  async salesCurrencyOfCode(code: string, what: string): Promise<string> {
    const id = (await this.loadCurrencies()).byCode.get(code.toUpperCase());
    if (!id)
      throw new RecordSyncError(
        `Currency ${code} of ${what} is not in Sales yet; the CURRENCY mapping creates it. ${what} is synchronised once it is there.`,
        'waiting',
      );
    return id;
  }

  /** The number of the ERP customer coupled to an account. */
  async customerNumberOfAccount(accountId: string, what: string): Promise<string> {
    const customerId = await this.coupled('CUSTOMER', 'sales', accountId);
    if (!customerId)
      throw new RecordSyncError(
        `The account ${accountId} that ${what} belongs to is not coupled to an ERP customer yet. ${what} is synchronised once its account is (CUSTOMER mapping).`,
        'waiting',
      );
    let number = this.customerNumbers.get(customerId);
    if (number === undefined) {
      const customer = await this.deps.erp.get(this.deps.companyId, 'customers', customerId);
      number = String(customer.number);
      this.customerNumbers.set(customerId, number);
    }
    return number;
  }

  /**
   * The customer a company contact stands for. The ERP, like BC's API, shows no business relation,
   * so a company contact stands for the customer with its name (as BC's "create contact from
   * customer" names it); no such customer, or several, is a failure that says so.
   */
  async customerNumberOfCompanyContact(contactNumber: string, what: string): Promise<string> {
    const contacts = await this.deps.erp.list(this.deps.companyId, 'contacts', {
      filter: `number eq '${quote(contactNumber)}'`,
      select: ['id', 'number', 'displayName', 'type'],
    });
    const company = contacts[0];
    if (!company)
      throw new RecordSyncError(`Company contact ${contactNumber} of ${what} does not exist in the ERP.`);
    const name = String(company.displayName);
    const customers = await this.deps.erp.list(this.deps.companyId, 'customers', {
      filter: `displayName eq '${quote(name)}'`,
      select: ['id', 'number'],
    });
    if (customers.length !== 1)
      throw new RecordSyncError(
        `Company contact ${contactNumber} (${name}) of ${what} stands for ${customers.length === 0 ? 'no customer' : `${customers.length} customers`}: a company contact is matched to the one customer with its name. ${customers.length === 0 ? `Create customer ${name}, or move ${what} to the company contact of a customer` : 'Rename the customers so that one has this name'}, then retry.`,
      );
    return String(customers[0]!.number);
  }

  /** The company contact of a customer (the one named like it), created when the customer has none. */
  async companyContactOfCustomer(customerNumber: string, what: string): Promise<string> {
    const customers = await this.deps.erp.list(this.deps.companyId, 'customers', {
      filter: `number eq '${quote(customerNumber)}'`,
      select: ['id', 'number', 'displayName'],
    });
    if (!customers[0])
      throw new RecordSyncError(`Customer ${customerNumber} of ${what} does not exist in the ERP.`);
    const name = String(customers[0].displayName);
    const companies = await this.deps.erp.list(this.deps.companyId, 'contacts', {
      filter: `type eq 'Company' and displayName eq '${quote(name)}'`,
      select: ['id', 'number'],
    });
    if (companies.length > 1)
      throw new RecordSyncError(
        `Customer ${customerNumber} (${name}) of ${what} has ${companies.length} company contacts with its name; keep one, then retry.`,
      );
    if (companies[0]) return String(companies[0].number);
    const created = await this.deps.erp.create(this.deps.companyId, 'contacts', {
      type: 'Company',
      displayName: name,
      contactBusinessRelation: 'Customer',
    });
    return String(created.number);
  }

  /** The account coupled to the ERP customer with this number. */
  async accountOfCustomerNumber(number: string, what: string): Promise<string> {
    let customerId = this.customerIds.get(number);
    if (customerId === undefined) {
      const rows = await this.deps.erp.list(this.deps.companyId, 'customers', {
        filter: `number eq '${quote(number)}'`,
        select: ['id', 'number'],
      });
      customerId = rows[0]?.id ?? null;
      this.customerIds.set(number, customerId);
    }
    if (!customerId)
      throw new RecordSyncError(
        `Customer ${number} of ${what} does not exist in the ERP. Correct the company number of ${what}, then retry.`,
      );
    const accountId = await this.coupled('CUSTOMER', 'erp', customerId);
    if (!accountId)
      throw new RecordSyncError(
        `Customer ${number} of ${what} is not coupled to a Sales account yet. ${what} is synchronised once its customer is (CUSTOMER mapping; a blocked customer never is).`,
        'waiting',
      );
    return accountId;
  }
}
