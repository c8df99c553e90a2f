/** ISO 3166-1 alpha-2 codes: usage locations must be one of them (Graph's `usageLocation`). */
const CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';

const CODE_SET = new Set(CODES.split(' '));

export function isIsoCountryCode(value: string): boolean {
  return CODE_SET.has(value.toUpperCase());
}

/** Common English country names in address columns, to suggest a usage location from "Country or Region". */
const NAMES: Record<string, string> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  'u.s.': 'US',
  us: 'US',
  'united kingdom': 'GB',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  canada: 'CA',
  australia: 'AU',
  'new zealand': 'NZ',
  ireland: 'IE',
  germany: 'DE',
  deutschland: 'DE',
  france: 'FR',
  spain: 'ES',
  españa: 'ES',
  italy: 'IT',
  italia: 'IT',
  netherlands: 'NL',
  'the netherlands': 'NL',
  belgium: 'BE',
  denmark: 'DK',
  danmark: 'DK',
  sweden: 'SE',
  sverige: 'SE',
  norway: 'NO',
  norge: 'NO',
  finland: 'FI',
  suomi: 'FI',
  iceland: 'IS',
  poland: 'PL',
  austria: 'AT',
  switzerland: 'CH',
  portugal: 'PT',
  'czech republic': 'CZ',
  czechia: 'CZ',
  hungary: 'HU',
  greece: 'GR',
  turkey: 'TR',
  türkiye: 'TR',
  india: 'IN',
  china: 'CN',
  japan: 'JP',
  'south korea': 'KR',
  singapore: 'SG',
  brazil: 'BR',
  mexico: 'MX',
  méxico: 'MX',
  argentina: 'AR',
  chile: 'CL',
  colombia: 'CO',
  'south africa': 'ZA',
  israel: 'IL',
  'united arab emirates': 'AE',
  'saudi arabia': 'SA',
  egypt: 'EG',
};

/** The ISO code for a country column value: a code itself, or a well-known English name. */
export function countryCodeFor(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (trimmed.length === 2 && isIsoCountryCode(trimmed)) return trimmed.toUpperCase();
  return NAMES[trimmed.toLowerCase()];
}
