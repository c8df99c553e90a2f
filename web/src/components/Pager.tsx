import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  pager: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    paddingTop: tokens.spacingVerticalM,
    flexWrap: 'wrap',
  },
});

interface Props {
  /** 0-based page index. */
  page: number;
  pageSize: number;
  rowsOnPage: number;
  /** Matching rows on all pages, when the API counts them. */
  total?: number | undefined;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
  busy?: boolean;
}

/** Previous / next over a keyset-paged list: only the page on screen is ever loaded. */
export function Pager({ page, pageSize, rowsOnPage, total, hasNext, onPrevious, onNext, busy }: Props) {
  const styles = useStyles();
  const first = rowsOnPage === 0 ? 0 : page * pageSize + 1;
  const last = page * pageSize + rowsOnPage;
  return (
    <nav className={styles.pager} aria-label="Pages">
      <Text aria-live="polite">
        {total === undefined
          ? `Showing ${first.toLocaleString()}–${last.toLocaleString()}`
          : `Showing ${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`}
      </Text>
      <Button icon={<ChevronLeftRegular />} disabled={page === 0 || busy} onClick={onPrevious}>
        Previous
      </Button>
      <Button
        icon={<ChevronRightRegular />}
        iconPosition="after"
        disabled={!hasNext || busy}
        onClick={onNext}
      >
        Next
      </Button>
    </nav>
  );
}
