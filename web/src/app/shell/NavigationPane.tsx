import { NavDrawer, NavDrawerBody, NavItem, NavSectionHeader, NavDivider } from '@fluentui/react-components';
import { HomeRegular, PersonCircleRegular } from '@fluentui/react-icons';
import type { MouseEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ACCOUNT_PATH, AREAS, HOME_PATH } from '../areas';
import { useRights } from '../rights';

/** The page a path belongs to: the longest navigation path it starts with. */
function selectedPath(pathname: string): string {
  const paths = [HOME_PATH, ACCOUNT_PATH, ...AREAS.flatMap((area) => area.pages.map((page) => page.path))];
  return (
    paths
      .filter((path) => pathname === path || pathname.startsWith(`${path}/`))
      .sort((a, b) => b.length - a.length)[0] ?? HOME_PATH
  );
}

interface Props {
  /** Narrow screens: the navigation opens over the page and closes after a choice. */
  overlay: boolean;
  open: boolean;
  onClose(): void;
}

export function NavigationPane({ overlay, open, onClose }: Props) {
  const location = useLocation();
  const navigate = useNavigate();
  const rights = useRights();
  // Only what the signed-in person may use: a section with no such page is left out.
  const areas = AREAS.map((area) => ({ ...area, pages: area.pages.filter((p) => p.allowed(rights)) })).filter(
    (area) => area.pages.length > 0,
  );
  const go = (path: string) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    void navigate(path);
    if (overlay) onClose();
  };
  return (
    <NavDrawer
      selectedValue={selectedPath(location.pathname)}
      open={open}
      type={overlay ? 'overlay' : 'inline'}
      onOpenChange={(_, data) => {
        if (!data.open) onClose();
      }}
      aria-label="Admin center navigation"
      style={{ height: '100%' }}
    >
      <NavDrawerBody>
        <NavItem href={HOME_PATH} value={HOME_PATH} icon={<HomeRegular />} onClick={go(HOME_PATH)}>
          Home
        </NavItem>
        <NavItem
          href={ACCOUNT_PATH}
          value={ACCOUNT_PATH}
          icon={<PersonCircleRegular />}
          onClick={go(ACCOUNT_PATH)}
        >
          My account
        </NavItem>
        {areas.map((area) => (
          <div key={area.key} role="group" aria-label={area.title}>
            <NavDivider />
            {/* Not a heading: each page's h1 comes first in the outline; the group carries the name. */}
            <NavSectionHeader role="presentation">{area.title}</NavSectionHeader>
            {area.pages.map((page) => (
              <NavItem
                key={page.path}
                href={page.path}
                value={page.path}
                icon={<page.icon />}
                onClick={go(page.path)}
              >
                {page.title}
              </NavItem>
            ))}
          </div>
        ))}
      </NavDrawerBody>
    </NavDrawer>
  );
}
