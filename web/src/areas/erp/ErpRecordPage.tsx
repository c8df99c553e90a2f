import {
  Field,
  makeStyles,
  SearchBox,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Toolbar,
  ToolbarButton,
  tokens,
  Link,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular } from '@fluentui/react-icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { listErpRecords, type Company, type ErpRecord } from '../../api/erp';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { PageHeader } from '../../components/PageHeader';
import { Pager } from '../../components/Pager';
import { useDebounced } from '../../components/useDebounced';
import type { ErpEntity, ErpField } from './entities';
import { ErpRecordDialog } from './ErpRecordDialog';
import { Updating } from '../../components/Updating';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  filters: { marginBottom: tokens.spacingVerticalM },
  scroller: { overflowX: 'auto' },
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: '640px',
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
});

function display(field: ErpField, value: unknown): string {
  if (field.type === 'boolean') return value ? 'Yes' : 'No';
  if (value === null || value === undefined) return '';
  if (field.type === 'number') return Number(value).toLocaleString();
  return String(value).trim();
}

/** One ERP list (salespeople, customers, contacts, items, opportunities) with create and edit. */
export function ErpRecordPage({ company, entity }: { company: Company; entity: ErpEntity }) {
  const styles = useStyles();
  // A link from elsewhere (a Sales user's coupled salesperson) may open the list searched.
  const [params] = useSearchParams();
  const [search, setSearch] = useState(params.get('search') ?? '');
  const settled = useDebounced(search.trim());
  const [page, setPage] = useState({ key: '', index: 0 });
  const [editing, setEditing] = useState<ErpRecord | 'new' | null>(null);
  const filterKey = `${entity.entitySet}|${settled}`;
  const index = page.key === filterKey ? page.index : 0;
  const options = {
    orderBy: entity.keyField,
    top: PAGE_SIZE,
    skip: index * PAGE_SIZE,
    ...(settled ? { filter: `startswith(${entity.searchField},'${settled.replace(/'/g, "''")}')` } : {}),
  };
  const records = useQuery({
    queryKey: ['erp', company.id, entity.entitySet, options],
    queryFn: () => listErpRecords(company.id, entity.entitySet, options),
    placeholderData: keepPreviousData,
  });
  const rows = records.data?.value ?? [];
  const total = records.data?.['@odata.count'];
  const columns = entity.fields.filter((f) => f.column);

  return (
    <>
      <PageHeader
        title={entity.title}
        description={`${entity.description} Company: ${company.displayName || company.name}`}
      />
      <Toolbar aria-label={`${entity.title} actions`} style={{ paddingLeft: 0 }}>
        <ToolbarButton icon={<AddRegular />} onClick={() => setEditing('new')}>
          New {entity.singular}
        </ToolbarButton>
        <ToolbarButton icon={<ArrowClockwiseRegular />} onClick={() => void records.refetch()}>
          Refresh
        </ToolbarButton>
      </Toolbar>
      <Updating active={records.isFetching && !records.isPending} />
      <div className={styles.filters}>
        <Field label={`Search ${entity.title.replace(/^[A-Z][a-z]/, (s) => s.toLowerCase())}`}>
          <SearchBox placeholder="Name starts with…" value={search} onChange={(_, d) => setSearch(d.value)} />
        </Field>
      </div>
      {records.isPending ? (
        <LoadingState label={`Loading ${entity.title.replace(/^[A-Z][a-z]/, (s) => s.toLowerCase())}…`} />
      ) : records.isError ? (
        <ErrorState error={records.error} onRetry={() => void records.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={
            settled
              ? `No ${entity.singular} matches`
              : `No ${entity.title.replace(/^[A-Z][a-z]/, (s) => s.toLowerCase())} yet`
          }
        >
          {settled ? 'Change the search.' : `Create the first with “New ${entity.singular}”.`}
        </EmptyState>
      ) : (
        <div className={styles.scroller} role="region" tabIndex={0} aria-label={entity.title}>
          <Table className={styles.table} aria-label={entity.title}>
            <TableHeader>
              <TableRow>
                {columns.map((c) => (
                  <TableHeaderCell key={c.name}>{c.label}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((record) => (
                <TableRow key={record.id}>
                  {columns.map((c, i) => (
                    <TableCell key={c.name}>
                      {i === 0 ? (
                        <Link
                          as="button"
                          onClick={() => setEditing(record)}
                          aria-label={`Edit ${display(c, record[c.name])}`}
                        >
                          {display(c, record[c.name])}
                        </Link>
                      ) : (
                        display(c, record[c.name])
                      )}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {rows.length > 0 ? (
        <Pager
          page={index}
          pageSize={PAGE_SIZE}
          rowsOnPage={rows.length}
          total={total}
          hasNext={total !== undefined ? (index + 1) * PAGE_SIZE < total : rows.length === PAGE_SIZE}
          busy={records.isFetching}
          onPrevious={() => setPage({ key: filterKey, index: Math.max(0, index - 1) })}
          onNext={() => setPage({ key: filterKey, index: index + 1 })}
        />
      ) : null}
      {editing ? (
        <ErpRecordDialog
          company={company}
          entity={entity}
          record={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
