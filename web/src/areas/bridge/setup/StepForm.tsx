import {
  Checkbox,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Select,
  Switch,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { StepId, StepInput } from '../../../api/bridge';
import { listCompanies } from '../../../api/erp';
import { AppLink } from '../../../components/AppLink';

/** What the person has typed or chosen, per step; kept while they go back and forth. */
export interface StepValues {
  salesUrl: string;
  allowHttp: boolean;
  adminUserName: string;
  adminPassword: string;
  identityKind: 'user' | 'application';
  integrationUserName: string;
  integrationPassword: string;
  applicationName: string;
  companyId: string;
  nonInteractive: boolean;
  createCurrency: boolean;
  autoCouple: boolean;
  createSalespeople: boolean;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Whether an address is http on this computer (localhost, 127.x.x.x, ::1): the only http Sales accepts. */
export function isLoopbackHttp(address: string): boolean {
  try {
    const url = new URL(address.trim());
    return url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The first step's default is this Tandem's own Sales, at the console's address: when that is http on
 * a loopback address (a Tandem started on this computer), "Allow http" is ticked with it, so the
 * default passes as it stands.
 */
export function initialValues(adminUserName: string): StepValues {
  return {
    salesUrl: window.location.origin,
    allowHttp: isLoopbackHttp(window.location.origin),
    adminUserName,
    adminPassword: '',
    identityKind: 'application',
    integrationUserName: '',
    integrationPassword: '',
    applicationName: 'Tandem ERP integration',
    companyId: '',
    nonInteractive: true,
    createCurrency: true,
    autoCouple: true,
    createSalespeople: false,
  };
}

/** The body POST /bridge/setup/steps/:step takes, from the values. */
export function stepInput(step: StepId, v: StepValues): StepInput {
  switch (step) {
    case 'sales-url':
      return { salesUrl: v.salesUrl.trim(), allowHttp: v.allowHttp };
    case 'admin':
      return { userName: v.adminUserName.trim(), password: v.adminPassword };
    case 'integration-user':
      return v.identityKind === 'user'
        ? { kind: 'user', userName: v.integrationUserName.trim(), password: v.integrationPassword }
        : { kind: 'application', displayName: v.applicationName.trim() };
    case 'erp-permissions':
      return v.companyId ? { companyId: v.companyId } : {};
    case 'access-mode':
      return { nonInteractive: v.nonInteractive };
    case 'currency':
      return { createIfMissing: v.createCurrency };
    case 'salespeople':
      return { auto: v.autoCouple, createMissing: v.createSalespeople };
    default:
      return {};
  }
}

/** Field problems caught before anything is sent (the server checks again, by the same names). */
export function missingFields(step: StepId, v: StepValues): Record<string, string> {
  const problems: Record<string, string> = {};
  if (step === 'sales-url' && !v.salesUrl.trim()) problems.salesUrl = 'Enter the address of Sales.';
  if (step === 'admin') {
    if (!v.adminUserName.trim()) problems.userName = "Enter the administrator's user name.";
    if (!v.adminPassword) problems.password = "Enter the administrator's password.";
  }
  if (step === 'integration-user') {
    if (v.identityKind === 'user') {
      if (!v.integrationUserName.trim()) problems.userName = "Enter the integration user's user name.";
      if (!v.integrationPassword) problems.password = "Enter the integration user's password.";
    } else if (!v.applicationName.trim()) {
      problems.displayName = 'Name the application user.';
    }
  }
  return problems;
}

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '640px' },
  text: { color: tokens.colorNeutralForeground2 },
  list: { margin: 0, paddingLeft: '1.25em' },
});

interface Props {
  step: StepId;
  values: StepValues;
  onChange(changes: Partial<StepValues>): void;
  /** The message for a field (the server's or the console's), by the API's field name. */
  problem(field: string): string | undefined;
  /** Shown at the end of the salespeople step: the couple table. */
  couplePanel?: ReactNode;
}

/** The inputs of one setup step, with what the step does and why, in the article's words. */
export function StepForm({ step, values, onChange, problem, couplePanel }: Props) {
  const styles = useStyles();
  const p = (text: ReactNode) => <Text className={styles.text}>{text}</Text>;
  switch (step) {
    case 'sales-url':
      return (
        <div className={styles.form}>
          {p(
            'The address of the Sales server the ERP will synchronise with. Tandem checks that it answers like a Dataverse Web API and learns the directory it trusts from it.',
          )}
          <Field
            label="Sales URL"
            required
            hint="For example https://sales.contoso.com. Tandem's own Sales is at this console's address."
            validationMessage={problem('salesUrl')}
          >
            <Input
              type="url"
              value={values.salesUrl}
              onChange={(_, d) => onChange({ salesUrl: d.value })}
              autoComplete="url"
            />
          </Field>
          <Field
            hint={
              isLoopbackHttp(values.salesUrl) && values.salesUrl.trim() === window.location.origin
                ? 'Sales must be reached over https, except on this computer: this is the Tandem you are using, started on this computer over http, so http is allowed for it. Any other address must use https.'
                : 'Sales must be reached over https. Tick this only when Sales runs on this computer (localhost, 127.0.0.1) for development or tests: it is refused for any other address.'
            }
            validationMessage={problem('allowHttp')}
          >
            <Checkbox
              checked={values.allowHttp}
              onChange={(_, d) => onChange({ allowHttp: d.checked === true })}
              label="Allow http for a loopback address"
            />
          </Field>
        </div>
      );
    case 'admin':
      return (
        <div className={styles.form}>
          {p(
            'Sign in with the account that sets up the connection (rule A1): a Sales user with System Administrator, also System Customizer, and at least one non-administrative role such as Sales Manager. It deploys the integration solution and assigns roles.',
          )}
          <Field label="Administrator user name" required validationMessage={problem('userName')}>
            <Input
              value={values.adminUserName}
              onChange={(_, d) => onChange({ adminUserName: d.value })}
              autoComplete="username"
            />
          </Field>
          <Field
            label="Administrator password"
            required
            hint="Used only to sign in for this setup, and never stored: Tandem keeps the sign-in in memory until setup ends (30 idle minutes at most)."
            validationMessage={problem('password')}
          >
            <Input
              type="password"
              value={values.adminPassword}
              onChange={(_, d) => onChange({ adminPassword: d.value })}
              autoComplete="current-password"
            />
          </Field>
        </div>
      );
    case 'integration-user':
      return (
        <div className={styles.form}>
          {p(
            <>
              Both apps synchronise as this identity. It must be a <strong>dedicated</strong> account, not the
              administrator: Tandem never synchronises the integration user&apos;s own changes (that is what
              stops changes echoing back and forth), so anything a person edits while signed in as it is never
              copied to the other app (rules A2, A3).
            </>,
          )}
          <Field label="Integration identity">
            <RadioGroup
              value={values.identityKind}
              onChange={(_, d) => onChange({ identityKind: d.value as 'user' | 'application' })}
            >
              <Radio
                value="application"
                label="Application user (recommended): no licence, cannot sign in, signs in with a secret Tandem keeps"
              />
              <Radio
                value="user"
                label="Named user: a directory user licensed for Sales (and the ERP), not forced to change its password"
              />
            </RadioGroup>
          </Field>
          {values.identityKind === 'application' ? (
            <Field
              label="Application user name"
              required
              hint="Setup registers the application in the directory and creates its Sales application user (rule A7)."
              validationMessage={problem('displayName')}
            >
              <Input
                value={values.applicationName}
                maxLength={64}
                onChange={(_, d) => onChange({ applicationName: d.value })}
              />
            </Field>
          ) : (
            <>
              <Field
                label="Integration user name"
                required
                hint="For example integration@contoso.com. Not the administrator, no System Administrator role."
                validationMessage={problem('userName')}
              >
                <Input
                  value={values.integrationUserName}
                  onChange={(_, d) => onChange({ integrationUserName: d.value })}
                  autoComplete="off"
                />
              </Field>
              <Field
                label="Integration user password"
                required
                hint="Tested now, then stored encrypted: the bridge signs in as this user. A temporary password must be changed first (sign in once as the user)."
                validationMessage={problem('password')}
              >
                <Input
                  type="password"
                  value={values.integrationPassword}
                  onChange={(_, d) => onChange({ integrationPassword: d.value })}
                  autoComplete="new-password"
                />
              </Field>
            </>
          )}
        </div>
      );
    case 'solution':
      return (
        <div className={styles.form}>
          {p(
            "With the administrator's rights, Tandem imports its integration solution into Sales. The solution adds the security roles Integration Administrator and Integration User; both are then assigned to the integration identity. Re-running it changes nothing that is already in place.",
          )}
        </div>
      );
    case 'erp-permissions':
      return <ErpPermissionsForm values={values} onChange={onChange} problem={problem} />;
    case 'access-mode':
      return (
        <div className={styles.form}>
          {p(
            'A Non-interactive user can only call the APIs: nobody can sign in to the console with it, so nobody can make edits as it that would never synchronise (rule A4). An application user is Non-interactive already.',
          )}
          <Switch
            checked={values.nonInteractive}
            onChange={(_, d) => onChange({ nonInteractive: d.checked })}
            label="Set the integration user's access mode to Non-interactive (recommended)"
          />
          {!values.nonInteractive ? (
            <MessageBar intent="warning">
              <MessageBarBody>
                If you decline, the user keeps its access mode and can still sign in. The connection works,
                but shows a warning until the user is Non-interactive (Sales → Users → Set access mode).
              </MessageBarBody>
            </MessageBar>
          ) : null}
        </div>
      );
    case 'currency':
      return (
        <div className={styles.form}>
          {p(
            "Customers and prices carry the ERP's local currency, so it must exist in Sales with the same ISO code. Tandem looks it up in Sales.",
          )}
          <Checkbox
            checked={values.createCurrency}
            onChange={(_, d) => onChange({ createCurrency: d.checked === true })}
            label="Create the local currency in Sales if it is missing"
          />
        </div>
      );
    case 'mappings':
      return (
        <div className={styles.form}>
          {p(
            'Records the default table mappings: salespeople, currency, customers ↔ accounts, contacts, items ↔ products and opportunities, each with its direction, fields and policies. Mappings already recorded are kept; the Connection page shows them and can reset them.',
          )}
        </div>
      );
    case 'salespeople':
      return (
        <div className={styles.form}>
          {p(
            'Each Sales user who sells is coupled to one ERP salesperson (rules A5, A6): records whose salesperson is not coupled cannot synchronise. You can couple now or later on the Couple salespeople page.',
          )}
          <Checkbox
            checked={values.autoCouple}
            onChange={(_, d) => onChange({ autoCouple: d.checked === true })}
            label="Couple users and salespeople with the same e-mail"
          />
          <Checkbox
            checked={values.createSalespeople}
            onChange={(_, d) => onChange({ createSalespeople: d.checked === true })}
            label="Create a salesperson in the ERP for every user still uncoupled"
          />
          {couplePanel}
        </div>
      );
    case 'finish':
      return (
        <div className={styles.form}>
          {p(
            'Tandem runs every account check as the integration identity. When none fails, the connection is enabled, the administrator is forgotten, and the integration user is watched from now on.',
          )}
          <Text>
            Afterwards, the <AppLink to="/admin/bridge/connection">Connection</AppLink> page shows its state
            and checks.
          </Text>
        </div>
      );
  }
}

function ErpPermissionsForm({ values, onChange, problem }: Omit<Props, 'step'>) {
  const styles = useStyles();
  const companies = useQuery({ queryKey: ['erp', 'companies'], queryFn: listCompanies });
  return (
    <div className={styles.form}>
      <Text className={styles.text}>
        Tandem assigns the ERP permission set INTEGRATION to the same identity, then reads the ERP company as
        it, to prove it can.
      </Text>
      <Field
        label="ERP company"
        hint={companies.isError ? 'The companies could not be listed; the first one is used.' : undefined}
        validationMessage={problem('companyId')}
      >
        <Select value={values.companyId} onChange={(_, d) => onChange({ companyId: d.value })}>
          <option value="">The only or first company</option>
          {(companies.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName || c.name}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
