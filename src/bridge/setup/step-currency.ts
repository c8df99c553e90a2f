/**
 * Step "Local currency": the ERP's local currency must exist in Sales by ISO code (Business
 * Central's LCYMustMatchBaseCurrencyErr); with consent setup creates it with the administrator's token.
 */
import { integrationClients, type RemoteClients } from '../remote.js';
import { describeRemoteError } from './remote-errors.js';
import type { StepInput } from './steps.js';
import { failed, type StepOutcome, type StepRun } from './step-types.js';

export async function runCurrencyStep(
  run: StepRun<StepInput<'currency'>>,
  admin: RemoteClients | undefined,
): Promise<StepOutcome> {
  const row = run.row;
  const integration = integrationClients(run.ctx, row);
  let lcy: string;
  let symbol: string | undefined;
  try {
    const setup = await integration.erp.generalLedgerSetup(row.erpCompanyId!);
    lcy = setup.localCurrencyCode.toUpperCase();
    symbol = setup.localCurrencySymbol;
  } catch (error) {
    return failed([
      {
        rule: 'erp',
        id: 'currency.lcy',
        status: 'fail',
        message: `The ERP's local currency could not be read: ${describeRemoteError(error)}`,
        fix: 'Check that the integration identity has the INTEGRATION permission set in the ERP.',
      },
    ]);
  }
  const filter = `isocurrencycode eq '${lcy.replace(/'/g, "''")}'`;
  const found = await integration.sales.listAll('transactioncurrencies', {
    filter,
    select: ['isocurrencycode'],
  });
  if (found.length > 0) {
    return {
      ok: true,
      checks: [
        {
          rule: 'connection',
          id: 'currency.lcy',
          status: 'pass',
          message: `The local currency ${lcy} exists in Sales.`,
        },
      ],
      changes: [],
      summary: `${lcy} exists in Sales`,
      update: { lcy },
    };
  }
  if (!run.input.createIfMissing || !admin) {
    return failed([
      {
        rule: 'connection',
        id: 'currency.lcy',
        status: 'fail',
        message: `The ERP's local currency ${lcy} does not exist in Sales, so amounts could not be synchronised.`,
        fix: `Let setup create ${lcy} in Sales (createIfMissing: true), or add the currency with ISO code ${lcy} in Sales yourself and run this step again.`,
      },
    ]);
  }
  let name = lcy;
  try {
    const currencies = await integration.erp.list(row.erpCompanyId!, 'currencies', {
      filter: `code eq '${lcy}'`,
    });
    const erpCurrency = currencies[0] as { displayName?: string; symbol?: string } | undefined;
    name = erpCurrency?.displayName || lcy;
    symbol = erpCurrency?.symbol || symbol;
  } catch {
    // The ERP keeps its local currency in the general ledger setup; a currency row is optional.
  }
  try {
    await admin.sales.create('transactioncurrencies', {
      isocurrencycode: lcy,
      currencyname: name,
      currencysymbol: symbol || lcy,
      exchangerate: 1,
      currencyprecision: 2,
    });
  } catch (error) {
    return failed([
      {
        rule: 'connection',
        id: 'currency.create',
        status: 'fail',
        message: `Sales did not create the currency ${lcy}: ${describeRemoteError(error)}`,
        fix: `Add the currency with ISO code ${lcy} in Sales yourself, then run this step again.`,
      },
    ]);
  }
  return {
    ok: true,
    checks: [
      {
        rule: 'connection',
        id: 'currency.lcy',
        status: 'pass',
        message: `Created the local currency ${lcy} in Sales.`,
      },
    ],
    changes: [`Created the currency ${lcy} (${name}) in Sales`],
    summary: `${lcy} created in Sales`,
    update: { lcy },
  };
}
