import {
  BuildingRegular,
  DocumentArrowUpRegular,
  KeyMultipleRegular,
  PeopleRegular,
  PeopleTeamRegular,
  PersonAccountsRegular,
  PersonRegular,
  ShieldKeyholeRegular,
  BoxRegular,
  ContactCardRegular,
  BriefcaseRegular,
  PlugConnectedRegular,
  WandRegular,
  PeopleLinkRegular,
  TargetArrowRegular,
  type FluentIcon,
} from '@fluentui/react-icons';
import type { Rights } from './rights';

export interface AreaPage {
  title: string;
  /** Full client path; every console path is under /admin so it never shadows an API path. */
  path: string;
  icon: FluentIcon;
  /** Whether the signed-in person may use the page: it is in their navigation only then. */
  allowed(rights: Rights): boolean;
}

export interface Area {
  key: string;
  title: string;
  pages: AreaPage[];
}

/**
 * The navigation: one section per area, each area a lazily loaded chunk (ConsoleRoutes.tsx).
 * A new area is one more entry here and one more lazy route there.
 */
export const AREAS: Area[] = [
  {
    key: 'directory',
    title: 'Directory',
    pages: [
      {
        title: 'Active users',
        path: '/admin/directory/users',
        icon: PersonRegular,
        allowed: (r) => r.manageUsers,
      },
      {
        title: 'Import users',
        path: '/admin/directory/import',
        icon: DocumentArrowUpRegular,
        allowed: (r) => r.manageUsers,
      },
      {
        title: 'Licences',
        path: '/admin/directory/licences',
        icon: KeyMultipleRegular,
        allowed: (r) => r.manageUsers,
      },
    ],
  },
  {
    key: 'sales',
    title: 'Sales',
    pages: [
      {
        title: 'Users',
        path: '/admin/sales/users',
        icon: PeopleTeamRegular,
        allowed: (r) => r.salesPrivilege('prvReadUser'),
      },
      {
        title: 'Security roles',
        path: '/admin/sales/roles',
        icon: ShieldKeyholeRegular,
        allowed: (r) => r.salesPrivilege('prvReadRole'),
      },
      {
        title: 'Accounts',
        path: '/admin/sales/accounts',
        icon: BuildingRegular,
        allowed: (r) => r.salesPrivilege('prvReadAccount'),
      },
      {
        title: 'Contacts',
        path: '/admin/sales/contacts',
        icon: ContactCardRegular,
        allowed: (r) => r.salesPrivilege('prvReadContact'),
      },
    ],
  },
  {
    key: 'erp',
    title: 'ERP',
    pages: [
      {
        title: 'Salespeople',
        path: '/admin/erp/salespeople',
        icon: PersonAccountsRegular,
        allowed: (r) => r.erp,
      },
      { title: 'Customers', path: '/admin/erp/customers', icon: BriefcaseRegular, allowed: (r) => r.erp },
      { title: 'Contacts', path: '/admin/erp/contacts', icon: PeopleRegular, allowed: (r) => r.erp },
      { title: 'Items', path: '/admin/erp/items', icon: BoxRegular, allowed: (r) => r.erp },
      {
        title: 'Opportunities',
        path: '/admin/erp/opportunities',
        icon: TargetArrowRegular,
        allowed: (r) => r.erp,
      },
    ],
  },
  {
    // Client paths under /admin/bridge: /bridge itself is the bridge's API.
    key: 'bridge',
    title: 'Bridge',
    pages: [
      { title: 'Assisted setup', path: '/admin/bridge/setup', icon: WandRegular, allowed: (r) => r.bridge },
      {
        title: 'Connection',
        path: '/admin/bridge/connection',
        icon: PlugConnectedRegular,
        allowed: (r) => r.bridge,
      },
      {
        title: 'Couple salespeople',
        path: '/admin/bridge/salespeople',
        icon: PeopleLinkRegular,
        allowed: (r) => r.bridge,
      },
    ],
  },
];

export const HOME_PATH = '/admin';
export const ACCOUNT_PATH = '/admin/account';

/** The navigation page a path belongs to: the longest page path it starts with. */
export function pageOf(pathname: string): AreaPage | undefined {
  return AREAS.flatMap((area) => area.pages)
    .filter((page) => pathname === page.path || pathname.startsWith(`${page.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
