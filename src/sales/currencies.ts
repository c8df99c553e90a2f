/** Names, symbols and precisions of common ISO 4217 currencies, for seeding the base currency. */
const KNOWN: Record<string, { name: string; symbol: string; precision: number }> = {
  USD: { name: 'US Dollar', symbol: '$', precision: 2 },
  EUR: { name: 'Euro', symbol: '€', precision: 2 },
  GBP: { name: 'Pound Sterling', symbol: '£', precision: 2 },
  DKK: { name: 'Danish Krone', symbol: 'kr.', precision: 2 },
  SEK: { name: 'Swedish Krona', symbol: 'kr', precision: 2 },
  NOK: { name: 'Norwegian Krone', symbol: 'kr', precision: 2 },
  CHF: { name: 'Swiss Franc', symbol: 'CHF', precision: 2 },
  CAD: { name: 'Canadian Dollar', symbol: '$', precision: 2 },
  AUD: { name: 'Australian Dollar', symbol: '$', precision: 2 },
  NZD: { name: 'New Zealand Dollar', symbol: '$', precision: 2 },
  JPY: { name: 'Yen', symbol: '¥', precision: 0 },
  CNY: { name: 'Yuan Renminbi', symbol: '¥', precision: 2 },
  INR: { name: 'Indian Rupee', symbol: '₹', precision: 2 },
  MXN: { name: 'Mexican Peso', symbol: '$', precision: 2 },
  BRL: { name: 'Brazilian Real', symbol: 'R$', precision: 2 },
  ZAR: { name: 'Rand', symbol: 'R', precision: 2 },
  PLN: { name: 'Zloty', symbol: 'zł', precision: 2 },
  ISK: { name: 'Iceland Krona', symbol: 'kr', precision: 0 },
};

export function currencyInfo(isoCode: string): { name: string; symbol: string; precision: number } {
  return KNOWN[isoCode] ?? { name: isoCode, symbol: isoCode, precision: 2 };
}
