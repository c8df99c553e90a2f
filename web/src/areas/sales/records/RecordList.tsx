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
  tokens,
} from '@fluentui/react-components';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listRecords, odataString } from '../../../api/sales';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { Pager } from '../../../components/Pager';
import { useDebounced } from '../../../components/useDebounced';
import { useKeysetPages } from '../../../components/useKeysetPages';
import { Updating } from '../../../components/Updating';

const PAGE_SIZE = 50;

export interface RecordColumn {
  label: string;
  value(record: Record<string, unknown>): string;
}

interface Props {
  entitySet: string;
  /** What one record is called, for the empty state ("accounts"). */
  plural: string;
  keyField: string;
  select: string[];
  /** The column the search box matches the start of, and the list is sorted by. */
  searchField: string;
  columns: RecordColumn[];
}

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

/** A Dataverse entity set as a read-only list: search, counted, paged by the API's next links. */
export function RecordList({ entitySet, plural, keyField, select, searchField, columns }: Props) {
  const styles = useStyles();
  const [search, setSearch] = useState('');
  const settled = useDebounced(search.trim());
  const options = {
    select,
    orderBy: searchField,
    pageSize: PAGE_SIZE,
    ...(settled ? { filter: `startswith(${searchField},${odataString(settled)})` } : {}),
  };
  const pages = useKeysetPages(JSON.stringify(options));
  const records = useQuery({
    queryKey: ['sales', entitySet, options, pages.link],
    queryFn: () => listRecords<Record<string, unknown>>(entitySet, options, pages.link),
    placeholderData: keepPreviousData,
  });
  const rows = records.data?.value ?? [];
  return (
    <>
      <Updating active={records.isFetching && !records.isPending} />
      <div className={styles.filters}>
        <Field label={`Search ${plural}`}>
          <SearchBox placeholder="Name starts with…" value={search} onChange={(_, d) => setSearch(d.value)} />
        </Field>
      </div>
      {records.isPending ? (
        <LoadingState label={`Loading ${plural}…`} />
      ) : records.isError ? (
        <ErrorState error={records.error} onRetry={() => void records.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={settled ? `No ${plural} match` : `No ${plural} yet`}>
          {settled
            ? 'Change the search.'
            : `Salespeople create ${plural} in Sales, and the bridge brings them from the ERP's customers once it is set up.`}
        </EmptyState>
      ) : (
        <div
          className={styles.scroller}
          role="region"
          tabIndex={0}
          aria-label={plural[0]!.toUpperCase() + plural.slice(1)}
        >
          <Table className={styles.table} aria-label={plural[0]!.toUpperCase() + plural.slice(1)}>
            <TableHeader>
              <TableRow>
                {columns.map((c) => (
                  <TableHeaderCell key={c.label}>{c.label}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((record) => (
                <TableRow key={String(record[keyField])}>
                  {columns.map((c) => (
                    <TableCell key={c.label}>{c.value(record)}</TableCell>
                  ))}
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
          total={records.data?.['@odata.count']}
          hasNext={Boolean(records.data?.['@odata.nextLink'])}
          busy={records.isFetching}
          onPrevious={pages.previous}
          onNext={() => pages.next(records.data?.['@odata.nextLink'])}
        />
      ) : null}
    </>
  );
}
