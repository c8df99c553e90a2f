import { makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { pageOf } from '../areas';
import { LoadingState } from '../../components/LoadingState';
import { NoAccessPage } from '../NoAccessPage';
import { useRights } from '../rights';
import { NavigationPane } from './NavigationPane';
import { TopBar } from './TopBar';
import { UnreachableBanner } from './UnreachableBanner';
import { useNarrowScreen } from './useNarrowScreen';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', height: '100vh' },
  body: { display: 'flex', flex: 1, minHeight: 0 },
  main: {
    flex: 1,
    minWidth: 0,
    overflow: 'auto',
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground2,
    ':focus': { outline: 'none' },
    // A phone keeps its width for the page rather than for margins.
    '@media (max-width: 599px)': { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalM}` },
  },
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': {
      left: '8px',
      top: '8px',
      zIndex: 1000,
      padding: '8px',
      backgroundColor: tokens.colorNeutralBackground1,
    },
  },
});

/** The admin-center frame: top bar, navigation, and the page. */
export function AppShell() {
  const styles = useStyles();
  const narrow = useNarrowScreen();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const rights = useRights();
  const page = pageOf(location.pathname);
  // A page the person may not use says so, instead of failing on the API's refusal.
  const denied = page && rights.known && !page.allowed(rights) ? page : null;
  return (
    <div className={styles.root}>
      <a href="#main" className={styles.skip}>
        Skip to the page
      </a>
      <TopBar onToggleNavigation={() => setNavOpen((open) => !open)} showNavigationToggle={narrow} />
      <div className={styles.body}>
        <NavigationPane overlay={narrow} open={!narrow || navOpen} onClose={() => setNavOpen(false)} />
        <main id="main" className={styles.main} tabIndex={-1}>
          <UnreachableBanner />
          {denied ? (
            <NoAccessPage page={denied.title} />
          ) : page && !rights.known ? (
            <LoadingState label="Loading the page…" />
          ) : (
            <Outlet />
          )}
        </main>
      </div>
    </div>
  );
}
