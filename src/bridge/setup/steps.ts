/**
 * The assisted setup's steps, in order. The API, the CLI and the console walk the same list; each
 * step's input schema lives here so all three validate alike.
 */
import { z } from 'zod';

export const STEP_IDS = [
  'sales-url',
  'admin',
  'integration-user',
  'solution',
  'erp-permissions',
  'access-mode',
  'currency',
  'mappings',
  'salespeople',
  'finish',
] as const;

export type StepId = (typeof STEP_IDS)[number];

export const STEP_TITLES: Record<StepId, string> = {
  'sales-url': 'Sales URL',
  admin: 'Administrator (rule A1)',
  'integration-user': 'Integration user (rules A2 / A7)',
  solution: 'Deploy the integration solution',
  'erp-permissions': 'ERP permission set INTEGRATION',
  'access-mode': 'Access mode Non-interactive (rule A4)',
  currency: 'Local currency in Sales',
  mappings: 'Default mappings',
  salespeople: 'Couple salespeople (rules A5 / A6)',
  finish: 'Test and enable',
};

export const STEP_INPUTS = {
  'sales-url': z.strictObject({
    salesUrl: z.string().min(1).max(2048).describe('The Sales server, e.g. https://sales.contoso.com'),
    allowHttp: z
      .boolean()
      .default(false)
      .describe('Accept http:// for a loopback address (development and tests only)'),
  }),
  admin: z.strictObject({
    userName: z
      .string()
      .min(1)
      .max(256)
      .describe('A Sales System Administrator who is also System Customizer'),
    password: z.string().min(1).max(256),
  }),
  'integration-user': z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('user'),
      userName: z.string().min(1).max(256).describe('The dedicated integration user (UPN)'),
      password: z.string().min(1).max(256),
    }),
    z.strictObject({
      kind: z.literal('application'),
      displayName: z.string().min(1).max(64).default('Tandem ERP integration'),
    }),
  ]),
  solution: z.strictObject({}),
  'erp-permissions': z.strictObject({
    companyId: z.uuid().optional().describe('The ERP company to connect (default: the only or first one)'),
  }),
  'access-mode': z.strictObject({
    nonInteractive: z
      .boolean()
      .default(true)
      .describe('Set the integration user to Non-interactive (recommended; rule A4)'),
  }),
  currency: z.strictObject({
    createIfMissing: z
      .boolean()
      .default(false)
      .describe("Create the ERP's local currency in Sales when it is missing"),
  }),
  mappings: z.strictObject({}),
  salespeople: z.strictObject({
    auto: z.boolean().default(false).describe('Couple users and salespeople with the same e-mail'),
    createMissing: z
      .boolean()
      .default(false)
      .describe('Create a salesperson for every eligible user still uncoupled'),
  }),
  finish: z.strictObject({}),
} satisfies Record<StepId, z.ZodType>;

export type StepInput<S extends StepId> = z.infer<(typeof STEP_INPUTS)[S]>;

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value);
}

export function nextStep(step: StepId): StepId | undefined {
  return STEP_IDS[STEP_IDS.indexOf(step) + 1];
}

export function previousStep(step: StepId): StepId | undefined {
  const index = STEP_IDS.indexOf(step);
  return index > 0 ? STEP_IDS[index - 1] : undefined;
}

/** Steps that act with the administrator's token. */
export const NEEDS_ADMIN: ReadonlySet<StepId> = new Set<StepId>([
  'integration-user',
  'solution',
  'erp-permissions',
  'access-mode',
  'currency',
]);
