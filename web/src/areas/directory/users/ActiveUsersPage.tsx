import {
  Badge,
  Dropdown,
  Field,
  makeStyles,
  Option,
  SearchBox,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  TableSelectionCell,
  Toolbar,
  ToolbarButton,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  DocumentArrowUpRegular,
  KeyRegular,
  PersonAddRegular,
  PersonProhibitedRegular,
  PersonAvailableRegular,
} from '@fluentui/react-icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { messageOf } from '../../../api/api-error';
import { listLicences, listUsers, setSignInAllowed, type UserSortKey } from '../../../api/directory';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { FormError } from '../../../components/FormError';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { Notice } from '../../../components/Notice';
import { Pager } from '../../../components/Pager';
import { useDebounced } from '../../../components/useDebounced';
import { useKeysetPages } from '../../../components/useKeysetPages';
import { AddUserDialog } from './AddUserDialog';
import { AssignLicenceDialog } from './AssignLicenceDialog';
import { Updating } from '../../../components/Updating';

const PAGE_SIZE = 50;
const ALL_LICENCES = '';

const useStyles = makeStyles({
  filters: {
    display: 'flex',
    gap: tokens.spacingHorizontalL,
    alignItems: 'end',
    flexWrap: 'wrap',
    marginBottom: tokens.spacingVerticalM,
  },
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: '720px',
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
  scroller: { overflowX: 'auto' },
});

const COLUMNS: { key: UserSortKey | null; label: string }[] = [
  { key: 'displayName', label: 'Display name' },
  { key: 'userPrincipalName', label: 'Username' },
  { key: null, label: 'Licences' },
  { key: null, label: 'Sign-in' },
  { key: 'createdAt', label: 'Created' },
];

/**
 * Active users, as in the Microsoft 365 admin center: search, filter by licence, sort, and pages
 * loaded one at a time from the server (a tenant of 100,000 users is never loaded whole).
 */
export function ActiveUsersPage() {
  const styles = useStyles();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const licence = params.get('licence') ?? ALL_LICENCES;
  const orderBy = (params.get('sort') as UserSortKey | null) ?? 'displayName';
  const descending = params.get('desc') === '1';
  const settledSearch = useDebounced(search);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'add' | 'licence' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const filters = {
    search: settledSearch,
    licence: licence || undefined,
    orderBy,
    descending,
    top: PAGE_SIZE,
  };
  const pages = useKeysetPages(JSON.stringify(filters));
  const users = useQuery({
    queryKey: ['directory', 'users', filters, pages.link],
    queryFn: () => listUsers(filters, pages.link),
    placeholderData: keepPreviousData,
  });
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });

  const block = useMutation({
    mutationFn: (allowed: boolean) => setSignInAllowed([...selected], allowed),
    onSuccess: (_, allowed) => {
      const who = `${selected.size} ${selected.size === 1 ? 'user' : 'users'}`;
      setNotice(allowed ? `Sign-in allowed for ${who}.` : `Sign-in blocked for ${who}.`);
      return queryClient.invalidateQueries({ queryKey: ['directory'] });
    },
  });

  const rows = users.data?.value ?? [];
  const allSelected = rows.length > 0 && rows.every((u) => selected.has(u.id));
  const someSelected = rows.some((u) => selected.has(u.id));

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setSelected(new Set());
  }

  function sortBy(key: UserSortKey) {
    const next = new URLSearchParams(params);
    next.set('sort', key);
    if (key === orderBy && !descending) next.set('desc', '1');
    else next.delete('desc');
    setParams(next, { replace: true });
  }

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  return (
    <>
      <PageHeader
        title="Active users"
        description="Everyone in the tenant. Select users to block their sign-in or give them a licence; open a user to edit them."
      />
      <Toolbar aria-label="User actions" style={{ flexWrap: 'wrap', paddingLeft: 0 }}>
        <ToolbarButton icon={<PersonAddRegular />} onClick={() => setDialog('add')}>
          Add a user
        </ToolbarButton>
        <ToolbarButton
          icon={<DocumentArrowUpRegular />}
          onClick={() => void navigate('/admin/directory/import')}
        >
          Import multiple users
        </ToolbarButton>
        <ToolbarButton
          icon={<KeyRegular />}
          disabled={selected.size === 0}
          onClick={() => setDialog('licence')}
        >
          Assign a licence
        </ToolbarButton>
        <ToolbarButton
          icon={<PersonProhibitedRegular />}
          disabled={selected.size === 0 || block.isPending}
          onClick={() => block.mutate(false)}
        >
          Block sign-in
        </ToolbarButton>
        <ToolbarButton
          icon={<PersonAvailableRegular />}
          disabled={selected.size === 0 || block.isPending}
          onClick={() => block.mutate(true)}
        >
          Unblock sign-in
        </ToolbarButton>
        <ToolbarButton icon={<ArrowClockwiseRegular />} onClick={() => void users.refetch()}>
          Refresh
        </ToolbarButton>
      </Toolbar>
      <FormError message={block.error ? messageOf(block.error) : null} title="Sign-in was not changed" />
      <Notice message={notice} onDismiss={() => setNotice(null)} />

      <Updating active={users.isFetching && !users.isPending} />
      <div className={styles.filters}>
        <Field label="Search users">
          <SearchBox
            placeholder="Name or user name"
            value={search}
            onChange={(_, data) => {
              setSearch(data.value);
              setSelected(new Set());
            }}
          />
        </Field>
        <Field label="Licence">
          <Dropdown
            value={
              licence
                ? (licences.data?.find((l) => l.partNumber === licence)?.name ?? licence)
                : 'All licences'
            }
            selectedOptions={[licence]}
            onOptionSelect={(_, data) => setParam('licence', data.optionValue || null)}
          >
            <Option value={ALL_LICENCES}>All licences</Option>
            {(licences.data ?? []).map((l) => (
              <Option key={l.partNumber} value={l.partNumber}>
                {l.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>

      {users.isPending ? (
        <LoadingState label="Loading users…" />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={settledSearch || licence ? 'No user matches' : 'No users yet'}>
          {settledSearch || licence
            ? 'Change the search or the licence filter.'
            : 'Add a user, or import many at once from the Microsoft 365 CSV template.'}
        </EmptyState>
      ) : (
        <div className={styles.scroller}>
          <Table className={styles.table} aria-label="Users" sortable>
            <TableHeader>
              <TableRow>
                <TableSelectionCell
                  checked={allSelected ? true : someSelected ? 'mixed' : false}
                  onClick={() => setSelected(allSelected ? new Set() : new Set(rows.map((u) => u.id)))}
                  checkboxIndicator={{ 'aria-label': 'Select all users on this page' }}
                />
                {COLUMNS.map((column) =>
                  column.key ? (
                    <TableHeaderCell
                      key={column.label}
                      sortDirection={
                        orderBy === column.key ? (descending ? 'descending' : 'ascending') : undefined
                      }
                      onClick={() => sortBy(column.key!)}
                    >
                      {column.label}
                    </TableHeaderCell>
                  ) : (
                    <TableHeaderCell key={column.label}>{column.label}</TableHeaderCell>
                  ),
                )}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((user) => (
                <TableRow key={user.id} aria-selected={selected.has(user.id)}>
                  <TableSelectionCell
                    checked={selected.has(user.id)}
                    onClick={() => toggle(user.id)}
                    checkboxIndicator={{ 'aria-label': `Select ${user.displayName}` }}
                  />
                  <TableCell>
                    <AppLink to={`/admin/directory/users/${user.id}`}>{user.displayName}</AppLink>
                  </TableCell>
                  <TableCell>{user.userPrincipalName}</TableCell>
                  <TableCell>
                    {user.licences.length === 0 ? 'Unlicensed' : user.licences.map((l) => l.name).join(', ')}
                  </TableCell>
                  <TableCell>
                    {user.signInAllowed ? (
                      'Allowed'
                    ) : (
                      <Badge appearance="tint" color="danger">
                        Blocked
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell>{new Date(user.createdAt).toLocaleDateString()}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {rows.length > 0 ? (
        <Pager
          page={pages.page}
          pageSize={PAGE_SIZE}
          rowsOnPage={rows.length}
          total={users.data?.count}
          hasNext={Boolean(users.data?.nextLink)}
          busy={users.isFetching}
          onPrevious={pages.previous}
          onNext={() => pages.next(users.data?.nextLink)}
        />
      ) : null}

      {dialog === 'add' ? <AddUserDialog onClose={() => setDialog(null)} /> : null}
      {dialog === 'licence' ? (
        <AssignLicenceDialog
          userIds={[...selected]}
          onClose={(done) => {
            setDialog(null);
            if (done) setNotice(done);
          }}
        />
      ) : null}
    </>
  );
}
