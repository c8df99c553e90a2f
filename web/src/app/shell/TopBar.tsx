import { Hamburger, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useClientNavigation } from '../../components/AppLink';
import { HOME_PATH } from '../areas';
import { UserMenu } from './UserMenu';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    height: '48px',
    padding: `0 ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    flexShrink: 0,
  },
  brand: {
    color: tokens.colorNeutralForegroundOnBrand,
    textDecoration: 'none',
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase400,
    // One line on a phone: the title is cut with an ellipsis rather than wrapped and clipped.
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    minWidth: 0,
    flexShrink: 1,
    ':focus-visible': { outline: `2px solid ${tokens.colorNeutralForegroundOnBrand}` },
  },
  spacer: { flex: 1 },
  hamburger: { color: tokens.colorNeutralForegroundOnBrand },
});

export function TopBar({
  showNavigationToggle,
  onToggleNavigation,
}: {
  showNavigationToggle: boolean;
  onToggleNavigation(): void;
}) {
  const styles = useStyles();
  const home = useClientNavigation(HOME_PATH);
  return (
    <header className={styles.bar}>
      {showNavigationToggle ? (
        <Hamburger
          className={styles.hamburger}
          onClick={onToggleNavigation}
          aria-label="Show or hide the navigation"
        />
      ) : null}
      <a className={styles.brand} href={home.href} onClick={home.onClick}>
        Tandem admin center
      </a>
      <Text className={styles.spacer} />
      <UserMenu />
    </header>
  );
}
