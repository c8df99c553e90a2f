import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { messageOf } from '../../../api/api-error';
import {
  acknowledgePersonEdits,
  listAudit,
  listMappings,
  listPersonEdits,
  runDoctor,
  type Mapping,
} from '../../../api/bridge';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { ChecksByRule, countChecks } from '../CheckList';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  scroller: { overflowX: 'auto' },
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: '640px',
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
  secondary: { color: tokens.colorNeutralForeground2 },
});

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** Rule A3: Sales changes made by a person signed in as the integration user, which never synchronise. */
export function PersonEditsSection() {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const edits = useQuery({ queryKey: ['bridge', 'person-edits'], queryFn: listPersonEdits });
  const acknowledge = useMutation({
    mutationFn: acknowledgePersonEdits,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['bridge', 'person-edits'] });
      void queryClient.invalidateQueries({ queryKey: ['bridge', 'connection'] });
    },
  });
  return (
    <section className={styles.section} aria-labelledby="person-edits-title">
      <div className={styles.head}>
        <Text as="h2" size={500} weight="semibold" id="person-edits-title">
          Edits made as the integration user
        </Text>
        {edits.data?.length ? (
          <Button disabled={acknowledge.isPending} onClick={() => acknowledge.mutate()}>
            Acknowledge
          </Button>
        ) : null}
      </div>
      <Text className={styles.secondary}>
        The bridge never synchronises the integration user&apos;s own changes (rule A3), so a person who signs
        in as it loses their edits to sync. Make those edits again as yourself, then acknowledge them.
      </Text>
      <FormError message={acknowledge.error ? messageOf(acknowledge.error) : null} />
      {edits.isPending ? (
        <LoadingState label="Loading edits…" />
      ) : edits.isError ? (
        <ErrorState error={edits.error} onRetry={() => void edits.refetch()} />
      ) : edits.data.length === 0 ? (
        <EmptyState title="No edits by a person signed in as the integration user" />
      ) : (
        <div
          className={styles.scroller}
          role="region"
          tabIndex={0}
          aria-label="Edits made as the integration user"
        >
          <Table className={styles.table} aria-label="Edits made as the integration user" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Table</TableHeaderCell>
                <TableHeaderCell>Record</TableHeaderCell>
                <TableHeaderCell>Modified in Sales</TableHeaderCell>
                <TableHeaderCell>Detected</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {edits.data.map((e) => (
                <TableRow key={e.id}>
                  <TableCell>{e.entitySet}</TableCell>
                  <TableCell>{e.recordName ?? e.recordId}</TableCell>
                  <TableCell>{when(e.modifiedOn)}</TableCell>
                  <TableCell>{when(e.detectedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

/** Every rule A1–A7 on the live system (GET /bridge/doctor); runs when asked. */
export function DoctorSection() {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const doctor = useMutation({
    mutationFn: runDoctor,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['bridge', 'connection'] }),
  });
  return (
    <section className={styles.section} aria-labelledby="doctor-title">
      <div className={styles.head}>
        <Text as="h2" size={500} weight="semibold" id="doctor-title">
          Doctor
        </Text>
        <Button disabled={doctor.isPending} onClick={() => doctor.mutate()}>
          {doctor.isPending ? 'Checking…' : 'Run doctor'}
        </Button>
      </div>
      <Text className={styles.secondary}>
        Checks every account rule on the live system — the administrator, the integration identity,
        salespeople licensed, given a role and coupled, customers&apos; salespeople coupled — and changes
        nothing.
      </Text>
      <FormError message={doctor.error ? messageOf(doctor.error) : null} title="The doctor did not run" />
      {doctor.data ? (
        <div className={styles.section} role="status">
          <MessageBar intent={doctor.data.ok ? 'success' : 'error'}>
            <MessageBarBody>
              {doctor.data.ok ? 'No rule is broken' : 'Some rules are broken'}:{' '}
              {countChecks(doctor.data.checks)}.
            </MessageBarBody>
          </MessageBar>
          <ChecksByRule checks={doctor.data.checks} label="Doctor results" />
        </div>
      ) : null}
    </section>
  );
}

const DIRECTION: Record<Mapping['direction'], string> = {
  ToSales: 'ERP → Sales',
  FromSales: 'Sales → ERP',
  Bidirectional: 'Both ways',
};

/** What the tables are called in the apps' own pages, by the APIs' entity set names. */
const TABLE_NAMES: Record<string, string> = {
  salespeoplePurchasers: 'Salespeople/Purchasers',
  currencies: 'Currencies',
  customers: 'Customers',
  contacts: 'Contacts',
  items: 'Items',
  opportunities: 'Opportunities',
  systemusers: 'Users',
  transactioncurrencies: 'Currencies',
  accounts: 'Accounts',
  products: 'Products',
};
const tableName = (entity: string) => TABLE_NAMES[entity] ?? entity;

const ARROW: Record<Mapping['direction'], string> = { ToSales: '→', FromSales: '←', Bidirectional: '↔' };

const CONFLICT_POLICIES: Record<string, string> = {
  Fail: 'Stop and ask',
  ErpWins: 'ERP wins',
  SalesWins: 'Sales wins',
  Merge: 'Merge fields',
  FieldMerge: 'Merge fields',
};
const DELETION_POLICIES: Record<string, string> = {
  None: 'Nothing',
  Restore: 'Restore the record',
  RemoveCoupling: 'Remove coupling',
  Propagate: 'Delete on the other side',
};

/** The table mappings in dependency order, read-only, in the apps' words ("Salespeople/Purchasers ← Users"). */
export function MappingsSection() {
  const styles = useStyles();
  const mappings = useQuery({ queryKey: ['bridge', 'mappings'], queryFn: listMappings });
  return (
    <section className={styles.section} aria-labelledby="mappings-title">
      <Text as="h2" size={500} weight="semibold" id="mappings-title">
        Table mappings
      </Text>
      {mappings.isPending ? (
        <LoadingState label="Loading mappings…" />
      ) : mappings.isError ? (
        <ErrorState error={mappings.error} onRetry={() => void mappings.refetch()} />
      ) : mappings.data.length === 0 ? (
        <EmptyState title="No mappings yet">The assisted setup records the default mappings.</EmptyState>
      ) : (
        <div className={styles.scroller} role="region" tabIndex={0} aria-label="Table mappings">
          <Table className={styles.table} aria-label="Table mappings" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Mapping</TableHeaderCell>
                <TableHeaderCell>Direction</TableHeaderCell>
                <TableHeaderCell>Fields</TableHeaderCell>
                <TableHeaderCell>After</TableHeaderCell>
                <TableHeaderCell>Conflicts</TableHeaderCell>
                <TableHeaderCell>Deletions</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {mappings.data.map((m) => (
                <TableRow key={m.name}>
                  <TableCell>
                    {tableName(m.erpEntity)} {ARROW[m.direction] ?? '↔'} {tableName(m.salesEntity)}
                    {m.isDefault ? '' : ' (edited)'}
                    {m.enabled ? '' : ' (off)'}
                  </TableCell>
                  <TableCell>{DIRECTION[m.direction] ?? m.direction}</TableCell>
                  <TableCell>
                    <span title={m.fields.map((f) => `${f.erpField} ↔ ${f.salesAttribute}`).join(', ')}>
                      {m.fields.length}
                    </span>
                  </TableCell>
                  <TableCell>
                    {m.dependsOn
                      .map((name) => {
                        const before = mappings.data.find((other) => other.name === name);
                        return before ? tableName(before.erpEntity) : name;
                      })
                      .join(', ') || '—'}
                  </TableCell>
                  <TableCell>{CONFLICT_POLICIES[m.conflictPolicy] ?? m.conflictPolicy}</TableCell>
                  <TableCell>{DELETION_POLICIES[m.deletionPolicy] ?? m.deletionPolicy}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

const ACTIONS: Record<string, string> = {
  'setup.start': 'Setup started',
  'setup.restart': 'Setup started again',
  'setup.step': 'Setup step done',
  'setup.step-failed': 'Setup step failed',
  'setup.back': 'Setup went back',
  'setup.cancel': 'Setup left',
  'connection.enable': 'Connection enabled',
  'connection.disable': 'Connection disabled',
  'connection.suspend': 'Writing suspended',
  'connection.resume': 'Writing resumed',
  'connection.test': 'Connection tested',
  'connection.redeploy': 'Solution redeployed',
  'connection.redeploy-failed': 'Redeploy failed',
  'connection.update-credentials': 'Credentials updated',
  'connection.reset-mappings': 'Mappings reset',
  'coupling.couple': 'Salesperson coupled',
  'coupling.uncouple': 'Salesperson uncoupled',
  'coupling.create-salesperson': 'Salesperson created',
};

function describeDetails(details: Record<string, unknown>): string {
  const text = Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Who did what to the connection, newest first. */
export function AuditSection() {
  const styles = useStyles();
  const audit = useQuery({ queryKey: ['bridge', 'audit'], queryFn: () => listAudit(20) });
  return (
    <section className={styles.section} aria-labelledby="audit-title">
      <Text as="h2" size={500} weight="semibold" id="audit-title">
        Recent activity
      </Text>
      {audit.isPending ? (
        <LoadingState label="Loading activity…" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
      ) : audit.data.length === 0 ? (
        <EmptyState title="Nothing has happened yet" />
      ) : (
        <div className={styles.scroller} role="region" tabIndex={0} aria-label="Recent activity">
          <Table className={styles.table} aria-label="Recent activity" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell style={{ width: '180px' }}>When</TableHeaderCell>
                <TableHeaderCell style={{ width: '200px' }}>Who</TableHeaderCell>
                <TableHeaderCell style={{ width: '180px' }}>What</TableHeaderCell>
                <TableHeaderCell>Details</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {audit.data.map((a) => (
                <TableRow key={a.id}>
                  <TableCell>{when(a.at)}</TableCell>
                  <TableCell>{a.actor.name}</TableCell>
                  <TableCell>{ACTIONS[a.action] ?? a.action}</TableCell>
                  <TableCell>
                    <Text size={200} className={styles.secondary}>
                      {describeDetails(a.details)}
                    </Text>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
