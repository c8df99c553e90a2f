import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, type ReactNode } from 'react';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    marginBottom: tokens.spacingVerticalL,
  },
  description: { color: tokens.colorNeutralForeground2, maxWidth: '80ch' },
});

/** The page's title (its one h1, also the window title) and a sentence on what the page is for. */
export function PageHeader({ title, description }: { title: string; description?: ReactNode }) {
  const styles = useStyles();
  useEffect(() => {
    document.title = `${title} – Tandem admin center`;
  }, [title]);
  return (
    <header className={styles.header}>
      <Text as="h1" size={700} weight="semibold">
        {title}
      </Text>
      {description ? (
        <Text as="p" className={styles.description}>
          {description}
        </Text>
      ) : null}
    </header>
  );
}
