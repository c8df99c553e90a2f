import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TableSelectionCell,
  Text,
  Toolbar,
  ToolbarButton,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, MailRegular, PersonAddRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../../../api/api-error';
import {
  autoCoupleSalespeople,
  COUPLING_KEY,
  coupleSalesperson,
  createSalespeople,
  getSalespeopleCoupling,
  uncoupleSalesperson,
  type CouplingUser,
  type SalespeopleCoupling,
} from '../../../api/bridge';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';

export { COUPLING_KEY };

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  tables: { display: 'flex', gap: tokens.spacingHorizontalXL, flexWrap: 'wrap', alignItems: 'flex-start' },
  users: { flex: '3 1 560px', overflowX: 'auto' },
  salespeople: { flex: '2 1 360px', overflowX: 'auto' },
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
  cell: { display: 'flex', flexDirection: 'column', paddingTop: '6px', paddingBottom: '6px' },
  secondary: { color: tokens.colorNeutralForeground2 },
  error: { color: tokens.colorStatusDangerForeground1 },
  warning: { color: tokens.colorStatusWarningForeground2 },
  picker: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  notice: { outline: 'none' },
});

interface RowMessage {
  intent: 'error' | 'warning';
  text: string;
}

interface Notice {
  intent: 'success' | 'warning';
  title: string;
  lines: string[];
}

/** Which selected user a refusal names (the bridge's messages name the user they are about). */
function userNamedIn(message: string, users: CouplingUser[]): CouplingUser | undefined {
  return users.find((u) => message.includes(u.fullname) || message.includes(u.domainname));
}

/**
 * Couple salespeople (rules A5 / A6): eligible Sales users beside the ERP's salespeople. Couple by
 * hand with a picker of the salespeople still free, uncouple, auto-match by e-mail, create salespeople
 * for selected users. A refusal stands on the row it is about. Used on its page and in the setup.
 */
export function CouplingPanel({ embedded = false }: { embedded?: boolean }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const coupling = useQuery({ queryKey: COUPLING_KEY, queryFn: getSalespeopleCoupling });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [rowMessages, setRowMessages] = useState<Record<string, RowMessage>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [focusNotice, setFocusNotice] = useState(0);
  const noticeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusNotice) noticeRef.current?.focus();
  }, [focusNotice]);

  const refresh = (data?: SalespeopleCoupling) => {
    if (data) queryClient.setQueryData(COUPLING_KEY, data);
    void queryClient.invalidateQueries({ queryKey: COUPLING_KEY });
    void queryClient.invalidateQueries({ queryKey: ['erp'] });
  };
  const setRow = (userId: string, message: RowMessage | null) =>
    setRowMessages((current) => {
      const next = { ...current };
      if (message) next[userId] = message;
      else delete next[userId];
      return next;
    });

  const couple = useMutation({
    mutationFn: ({ user, code }: { user: CouplingUser; code: string }) =>
      coupleSalesperson(user.systemuserid, code),
    onMutate: ({ user }) => setRow(user.systemuserid, null),
    onSuccess: () => refresh(),
    onError: (error, { user }) => setRow(user.systemuserid, { intent: 'error', text: messageOf(error) }),
  });
  const uncouple = useMutation({
    mutationFn: (user: CouplingUser) => uncoupleSalesperson(user.systemuserid),
    onMutate: (user) => setRow(user.systemuserid, null),
    onSuccess: () => refresh(),
    onError: (error, user) => setRow(user.systemuserid, { intent: 'error', text: messageOf(error) }),
  });
  const auto = useMutation({
    mutationFn: () => autoCoupleSalespeople(false),
    onMutate: () => {
      setRowMessages({});
      setNotice(null);
    },
    onSuccess: (result) => {
      const unmatched: Record<string, RowMessage> = {};
      for (const u of result.unmatched)
        unmatched[u.systemUserId] = { intent: 'warning', text: `Not matched: ${u.reason}.` };
      setRowMessages(unmatched);
      setNotice({
        intent: result.unmatched.length ? 'warning' : 'success',
        title: `${result.coupled.length} ${result.coupled.length === 1 ? 'user' : 'users'} coupled by e-mail`,
        lines: [
          ...result.coupled.map((c) => `${c.fullname} → ${c.salespersonCode}`),
          ...(result.unmatched.length
            ? [
                `${result.unmatched.length} left uncoupled (the reason is on each row): couple them by hand, or select them and create salespeople.`,
              ]
            : []),
        ],
      });
      setFocusNotice((n) => n + 1);
      refresh();
    },
  });
  const create = useMutation({
    mutationFn: (users: CouplingUser[]) => createSalespeople(users.map((u) => u.systemuserid)),
    onMutate: () => {
      setNotice(null);
    },
    onSuccess: (result, users) => {
      const names = new Map(users.map((u) => [u.systemuserid, u.fullname]));
      setSelected(new Set());
      for (const c of result.created) setRow(c.systemUserId, null);
      setNotice({
        intent: 'success',
        title: `${result.created.length} ${result.created.length === 1 ? 'salesperson' : 'salespeople'} created in the ERP and coupled`,
        lines: result.created.map(
          (c) => `${names.get(c.systemUserId) ?? c.systemUserId} → ${c.salespersonCode}`,
        ),
      });
      setFocusNotice((n) => n + 1);
      refresh();
    },
    onError: (error, users) => {
      const named = userNamedIn(messageOf(error), users);
      if (named) setRow(named.systemuserid, { intent: 'error', text: messageOf(error) });
    },
  });

  const heading = embedded ? 'h3' : 'h2';
  if (coupling.isPending) return <LoadingState label="Loading users and salespeople…" />;
  if (coupling.isError) {
    return (
      <div className={styles.panel}>
        <ErrorState
          title="Users and salespeople could not be loaded"
          error={coupling.error}
          onRetry={() => void coupling.refetch()}
        />
        {!embedded ? (
          <Text>
            Coupling needs the connection set up as far as the ERP permission set:{' '}
            <AppLink to="/admin/bridge/setup">open the assisted setup</AppLink>.
          </Text>
        ) : null}
      </div>
    );
  }

  const { users, salespeople, summary } = coupling.data;
  const free = salespeople.filter((s) => !s.coupledTo);
  const uncoupledUsers = users.filter((u) => !u.salesperson);
  const selectedUsers = uncoupledUsers.filter((u) => selected.has(u.systemuserid));
  const allSelected = uncoupledUsers.length > 0 && selectedUsers.length === uncoupledUsers.length;
  const busy = couple.isPending || uncouple.isPending || auto.isPending || create.isPending;
  const createError =
    create.error && !userNamedIn(messageOf(create.error), selectedUsers) ? create.error : null;

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  return (
    <div className={styles.panel}>
      <Text role="status" aria-live="polite" weight="semibold">
        {summary.coupledUsers} of {summary.eligibleUsers} Sales users coupled · {summary.uncoupledUsers}{' '}
        uncoupled · {salespeople.length} salespeople, {free.length} not coupled
      </Text>
      <Toolbar aria-label="Coupling actions" style={{ paddingLeft: 0, flexWrap: 'wrap' }}>
        <ToolbarButton
          icon={<MailRegular />}
          disabled={busy || uncoupledUsers.length === 0}
          onClick={() => auto.mutate()}
        >
          {auto.isPending ? 'Matching…' : 'Auto-match by e-mail'}
        </ToolbarButton>
        <ToolbarButton
          icon={<PersonAddRegular />}
          disabled={busy || selectedUsers.length === 0}
          onClick={() => create.mutate(selectedUsers)}
        >
          {create.isPending
            ? 'Creating…'
            : `Create salespeople for the selected users${selectedUsers.length ? ` (${selectedUsers.length})` : ''}`}
        </ToolbarButton>
        <ToolbarButton
          icon={<ArrowClockwiseRegular />}
          disabled={busy}
          onClick={() => void coupling.refetch()}
        >
          Refresh
        </ToolbarButton>
      </Toolbar>
      <FormError message={auto.error ? messageOf(auto.error) : null} title="Auto-match did not run" />
      <FormError message={createError ? messageOf(createError) : null} title="No salesperson was created" />
      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className={styles.notice}>
          <MessageBar intent={notice.intent} layout="multiline" role="status">
            <MessageBarBody>
              <MessageBarTitle>{notice.title}</MessageBarTitle>
              {notice.lines.map((line) => (
                <div key={line}>{line}</div>
              ))}
            </MessageBarBody>
          </MessageBar>
        </div>
      ) : null}
      <div className={styles.tables}>
        <div className={styles.users}>
          <Text as={heading} weight="semibold" size={400}>
            Sales users
          </Text>
          {users.length === 0 ? (
            <EmptyState title="No Sales user to couple">
              Only enabled people with a Sales licence are coupled (not the integration user, application or
              Non-interactive users). Give the salespeople a Dynamics 365 Customer Engagement Plan licence in
              the directory first.
            </EmptyState>
          ) : (
            <Table className={styles.table} aria-label="Sales users and their salespeople" size="small">
              <TableHeader>
                <TableRow>
                  <TableSelectionCell
                    checked={allSelected ? true : selectedUsers.length ? 'mixed' : false}
                    onClick={() =>
                      setSelected(
                        allSelected ? new Set() : new Set(uncoupledUsers.map((u) => u.systemuserid)),
                      )
                    }
                    checkboxIndicator={{ 'aria-label': 'Select all uncoupled users' }}
                  />
                  <TableHeaderCell>User</TableHeaderCell>
                  <TableHeaderCell>Salesperson</TableHeaderCell>
                  <TableHeaderCell>Action</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {users.map((user) => {
                  // "Not matched" says why a user is still uncoupled: it goes once the user is coupled.
                  const stored = rowMessages[user.systemuserid];
                  const message =
                    stored && (stored.intent === 'error' || !user.salesperson) ? stored : undefined;
                  const coupledTo = user.salesperson
                    ? salespeople.find((s) => s.id === user.salesperson!.id)
                    : undefined;
                  const choice = choices[user.systemuserid] ?? '';
                  return (
                    <TableRow key={user.systemuserid}>
                      {user.salesperson ? (
                        <TableCell />
                      ) : (
                        <TableSelectionCell
                          checked={selected.has(user.systemuserid)}
                          onClick={() => toggle(user.systemuserid)}
                          checkboxIndicator={{ 'aria-label': `Select ${user.fullname}` }}
                        />
                      )}
                      <TableCell>
                        <div className={styles.cell}>
                          <Text>{user.fullname}</Text>
                          <Text size={200} className={styles.secondary}>
                            {user.email ?? user.domainname}
                          </Text>
                          {message ? (
                            <Text
                              size={200}
                              className={message.intent === 'error' ? styles.error : styles.warning}
                              role={message.intent === 'error' ? 'alert' : undefined}
                            >
                              {message.text}
                            </Text>
                          ) : null}
                        </div>
                      </TableCell>
                      <TableCell>
                        {user.salesperson ? (
                          <Text>
                            {user.salesperson.code}
                            {coupledTo ? ` – ${coupledTo.displayName}` : ''}
                          </Text>
                        ) : free.length === 0 ? (
                          <Text className={styles.secondary}>No free salesperson</Text>
                        ) : (
                          <Select
                            size="small"
                            aria-label={`Salesperson for ${user.fullname}`}
                            value={choice}
                            onChange={(_, d) => setChoices((c) => ({ ...c, [user.systemuserid]: d.value }))}
                          >
                            <option value="">Choose a salesperson…</option>
                            {free.map((s) => (
                              <option key={s.id} value={s.code}>
                                {s.code} – {s.displayName}
                                {s.email ? ` (${s.email})` : ''}
                                {s.blocked ? ' – blocked' : ''}
                              </option>
                            ))}
                          </Select>
                        )}
                      </TableCell>
                      <TableCell>
                        {user.salesperson ? (
                          <Button
                            key="uncouple"
                            size="small"
                            disabled={busy}
                            onClick={() => uncouple.mutate(user)}
                            aria-label={`Uncouple ${user.fullname}`}
                          >
                            Uncouple
                          </Button>
                        ) : (
                          <Button
                            key="couple"
                            size="small"
                            appearance="primary"
                            disabled={busy || !choice}
                            onClick={() => couple.mutate({ user, code: choice })}
                            aria-label={`Couple ${user.fullname}`}
                          >
                            Couple
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </div>
        <div className={styles.salespeople}>
          <Text as={heading} weight="semibold" size={400}>
            ERP salespeople
          </Text>
          {salespeople.length === 0 ? (
            <EmptyState title="The ERP has no salespeople yet">
              Select users and create salespeople for them, or add them in ERP → Salespeople.
            </EmptyState>
          ) : (
            <Table className={styles.table} aria-label="ERP salespeople" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Code</TableHeaderCell>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Coupled to</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {salespeople.map((s) => (
                  <TableRow key={s.id}>
                    <TableCell>{s.code}</TableCell>
                    <TableCell>
                      <div className={styles.cell}>
                        <Text>
                          {s.displayName}
                          {s.blocked ? ' (blocked)' : ''}
                        </Text>
                        {s.email ? (
                          <Text size={200} className={styles.secondary}>
                            {s.email}
                          </Text>
                        ) : null}
                      </div>
                    </TableCell>
                    <TableCell>
                      {s.coupledTo ? (
                        s.coupledTo.fullname
                      ) : (
                        <Text className={styles.secondary}>Not coupled</Text>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </div>
      </div>
    </div>
  );
}
