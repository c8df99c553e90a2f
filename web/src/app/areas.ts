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

export interface AreaPage {
  title: string;
  /** Full client path; every console path is under /admin so it never shadows an API path. */
  path: string;
  icon: FluentIcon;
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
      { title: 'Active users', path: '/admin/directory/users', icon: PersonRegular },
      { title: 'Import users', path: '/admin/directory/import', icon: DocumentArrowUpRegular },
      { title: 'Licences', path: '/admin/directory/licences', icon: KeyMultipleRegular },
    ],
  },
  {
    key: 'sales',
    title: 'Sales',
    pages: [
      { title: 'Users', path: '/admin/sales/users', icon: PeopleTeamRegular },
      { title: 'Security roles', path: '/admin/sales/roles', icon: ShieldKeyholeRegular },
      { title: 'Accounts', path: '/admin/sales/accounts', icon: BuildingRegular },
      { title: 'Contacts', path: '/admin/sales/contacts', icon: ContactCardRegular },
    ],
  },
  {
    key: 'erp',
    title: 'ERP',
    pages: [
      { title: 'Salespeople', path: '/admin/erp/salespeople', icon: PersonAccountsRegular },
      { title: 'Customers', path: '/admin/erp/customers', icon: BriefcaseRegular },
      { title: 'Contacts', path: '/admin/erp/contacts', icon: PeopleRegular },
      { title: 'Items', path: '/admin/erp/items', icon: BoxRegular },
      { title: 'Opportunities', path: '/admin/erp/opportunities', icon: TargetArrowRegular },
    ],
  },
  {
    // Client paths under /admin/bridge: /bridge itself is the bridge's API.
    key: 'bridge',
    title: 'Bridge',
    pages: [
      { title: 'Assisted setup', path: '/admin/bridge/setup', icon: WandRegular },
      { title: 'Connection', path: '/admin/bridge/connection', icon: PlugConnectedRegular },
      { title: 'Couple salespeople', path: '/admin/bridge/salespeople', icon: PeopleLinkRegular },
    ],
  },
];

export const HOME_PATH = '/admin';
