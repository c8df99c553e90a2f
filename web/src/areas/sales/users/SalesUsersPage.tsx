import {
  Badge,
  Field,
  makeStyles,
  SearchBox,
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
  Tooltip,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, PersonSettingsRegular, ShieldKeyholeRegular } from '@fluentui/react-icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { accessModeLabel, listSalesUsers, type SalesUser } from '../../../api/sales';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';
import { Pager } from '../../../components/Pager';
import { useDebounced } from '../../../components/useDebounced';
import { useKeysetPages } from '../../../components/useKeysetPages';
import { AccessModeDialog } from './AccessModeDialog';
import { useRights } from '../../../app/rights';
import { Notice } from '../../../components/Notice';
import { ManageRolesDialog } from './ManageRolesDialog';
import { Updating } from '../../../components/Updating';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  filters: { display: 'flex', gap: tokens.spacingHorizontalL, marginBottom: tokens.spacingVerticalM },
  total: { display: 'block', margin: `0 0 ${tokens.spacingVerticalS}` },
  scroller: { overflowX: 'auto' },
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: '760px',
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
});

/**
 * Sales users (provisioned from the directory: a Sales licence makes a user): access mode, licence
 * and security roles. Select several — e.g. the salespeople just imported — to give them a role at once.
 */
export function SalesUsersPage() {
  const styles = useStyles();
  const rights = useRights();
  const [search, setSearch] = useState('');
  const settledSearch = useDebounced(search);
  const [selected, setSelected] = useState<Map<string, SalesUser>>(new Map());
  const [dialog, setDialog] = useState<'roles' | 'access' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const filters = { search: settledSearch, top: PAGE_SIZE };
  const pages = useKeysetPages(JSON.stringify(filters));
  const users = useQuery({
    queryKey: ['sales', 'users', filters, pages.link],
    queryFn: () => listSalesUsers(filters, pages.link),
    placeholderData: keepPreviousData,
  });
  const rows = users.data?.value ?? [];
  const allSelected = rows.length > 0 && rows.every((u) => selected.has(u.systemuserid));
  const someSelected = rows.some((u) => selected.has(u.systemuserid));

  function toggle(user: SalesUser) {
    const next = new Map(selected);
    if (next.has(user.systemuserid)) next.delete(user.systemuserid);
    else next.set(user.systemuserid, user);
    setSelected(next);
  }

  const selectedUsers = [...selected.values()];
  return (
    <>
      <PageHeader
        title="Sales users"
        description="Users come from the directory: a Dynamics 365 Customer Engagement Plan licence makes a Sales user. Select users to give them security roles all at once; set an integration account's access mode to Non-interactive."
      />
      <Toolbar aria-label="Sales user actions" style={{ paddingLeft: 0, flexWrap: 'wrap' }}>
        {/* Only a System Administrator may change roles and access modes: others only read. */}
        {rights.salesPrivilege('prvAssignRole') ? (
          <ToolbarButton
            icon={<ShieldKeyholeRegular />}
            disabled={selected.size === 0}
            onClick={() => setDialog('roles')}
          >
            Manage security roles
          </ToolbarButton>
        ) : null}
        {rights.salesPrivilege('prvWriteUser') ? (
          <ToolbarButton
            icon={<PersonSettingsRegular />}
            disabled={selected.size !== 1}
            onClick={() => setDialog('access')}
          >
            Set access mode
          </ToolbarButton>
        ) : null}
        <ToolbarButton icon={<ArrowClockwiseRegular />} onClick={() => void users.refetch()}>
          Refresh
        </ToolbarButton>
      </Toolbar>
      <Notice message={notice} onDismiss={() => setNotice(null)} />
      <Updating active={users.isFetching && !users.isPending} />
      {users.data?.count !== undefined ? (
        // The total of the whole list (every page), so a long list says how long it is.
        <Text as="p" role="status" className={styles.total}>
          {users.data.count} Sales user{users.data.count === 1 ? '' : 's'}
          {settledSearch ? (users.data.count === 1 ? ' matches the search' : ' match the search') : ''}
        </Text>
      ) : null}
      <div className={styles.filters}>
        <Field label="Search users">
          <SearchBox
            placeholder="Name or user name"
            value={search}
            onChange={(_, d) => {
              setSearch(d.value);
              setSelected(new Map());
            }}
          />
        </Field>
      </div>
      {users.isPending ? (
        <LoadingState label="Loading Sales users…" />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={settledSearch ? 'No user matches' : 'No Sales users yet'}>
          {settledSearch
            ? 'Change the search.'
            : 'Give directory users a Dynamics 365 Customer Engagement Plan licence (Directory → Licences or Import users); they appear here within seconds.'}
        </EmptyState>
      ) : (
        <div className={styles.scroller}>
          <Table className={styles.table} aria-label="Sales users">
            <TableHeader>
              <TableRow>
                <TableSelectionCell
                  checked={allSelected ? true : someSelected ? 'mixed' : false}
                  onClick={() =>
                    setSelected(allSelected ? new Map() : new Map(rows.map((u) => [u.systemuserid, u])))
                  }
                  checkboxIndicator={{ 'aria-label': 'Select all users on this page' }}
                />
                <TableHeaderCell>Full name</TableHeaderCell>
                <TableHeaderCell>User name</TableHeaderCell>
                <TableHeaderCell>Access mode</TableHeaderCell>
                <TableHeaderCell>Licence</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Security roles</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((user) => (
                <TableRow key={user.systemuserid} aria-selected={selected.has(user.systemuserid)}>
                  <TableSelectionCell
                    checked={selected.has(user.systemuserid)}
                    onClick={() => toggle(user)}
                    checkboxIndicator={{ 'aria-label': `Select ${user.fullname ?? user.domainname}` }}
                  />
                  <TableCell>
                    <AppLink to={`/admin/sales/users/${user.systemuserid}`}>
                      {user.fullname ?? user.domainname}
                    </AppLink>
                  </TableCell>
                  <TableCell>{user.domainname}</TableCell>
                  <TableCell>{accessModeLabel(user.accessmode)}</TableCell>
                  <TableCell>{user.islicensed ? 'Licensed' : 'Unlicensed'}</TableCell>
                  <TableCell>
                    {user.isdisabled ? (
                      <Tooltip content={user.disabledreason ?? 'Disabled'} relationship="description">
                        <Badge appearance="tint" color="danger" tabIndex={0}>
                          Disabled
                        </Badge>
                      </Tooltip>
                    ) : (
                      'Enabled'
                    )}
                  </TableCell>
                  <TableCell>
                    {user.roles.length ? user.roles.map((r) => r.name).join(', ') : 'No roles'}
                  </TableCell>
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
          hasNext={Boolean(users.data?.nextLink)}
          busy={users.isFetching}
          onPrevious={pages.previous}
          onNext={() => pages.next(users.data?.nextLink)}
        />
      ) : null}
      {dialog === 'roles' ? (
        <ManageRolesDialog
          users={selectedUsers}
          onClose={(changed, done) => {
            setDialog(null);
            if (changed) setSelected(new Map());
            if (done) setNotice(done);
          }}
        />
      ) : null}
      {dialog === 'access' && selectedUsers[0] ? (
        <AccessModeDialog
          user={selectedUsers[0]}
          onClose={(done) => {
            setDialog(null);
            if (done) setNotice(done);
          }}
        />
      ) : null}
    </>
  );
}
