import {
  Field,
  makeStyles,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { listLicences } from '../../../api/directory';
import { AppLink } from '../../../components/AppLink';
import { EmptyState } from '../../../components/EmptyState';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { PageHeader } from '../../../components/PageHeader';

const useStyles = makeStyles({
  // Long names and e-mail addresses wrap inside their cell instead of running into the next one.
  table: {
    backgroundColor: tokens.colorNeutralBackground1,
    '& td': { overflowWrap: 'anywhere' },
    '& th': { overflowWrap: 'anywhere' },
  },
  usage: { minWidth: '180px' },
});

/** The tenant's licences with seats used and available. */
export function LicencesPage() {
  const styles = useStyles();
  const licences = useQuery({ queryKey: ['directory', 'licences'], queryFn: listLicences });
  return (
    <>
      <PageHeader
        title="Licences"
        description="Each licence has a number of seats. A user needs a usage location before a licence can be assigned; when the seats run out, assignments are refused whole."
      />
      {licences.isPending ? (
        <LoadingState label="Loading licences…" />
      ) : licences.isError ? (
        <ErrorState error={licences.error} onRetry={() => void licences.refetch()} />
      ) : licences.data.length === 0 ? (
        <EmptyState title="No licences">
          Licences are configured with TANDEM_LICENCES when Tandem starts.
        </EmptyState>
      ) : (
        <Table className={styles.table} aria-label="Licences">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Licence</TableHeaderCell>
              <TableHeaderCell>Part number</TableHeaderCell>
              <TableHeaderCell>Assigned</TableHeaderCell>
              <TableHeaderCell>Available</TableHeaderCell>
              <TableHeaderCell>Total seats</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {licences.data.map((l) => (
              <TableRow key={l.skuId}>
                <TableCell>
                  <AppLink to={`/admin/directory/users?licence=${encodeURIComponent(l.partNumber)}`}>
                    {l.name}
                  </AppLink>
                </TableCell>
                <TableCell>{l.partNumber}</TableCell>
                <TableCell className={styles.usage}>
                  <Field validationMessage={`${l.consumed} of ${l.seats} assigned`} validationState="none">
                    <ProgressBar
                      value={l.seats === 0 ? 0 : l.consumed / l.seats}
                      color={l.available === 0 ? 'error' : 'brand'}
                      aria-label={`${l.name}: ${l.consumed} of ${l.seats} seats assigned`}
                    />
                  </Field>
                </TableCell>
                <TableCell>{l.available}</TableCell>
                <TableCell>{l.seats}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
