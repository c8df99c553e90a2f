import { useQuery } from '@tanstack/react-query';
import { getMe, type DirectoryUser } from '../api/directory';
import { getSalesMe, type SalesMe } from '../api/sales';
import { useSession } from '../auth/session';

/** Business Central licences start with this part number; the ERP admits their holders (and Global administrators). */
const ERP_LICENCE_PREFIX = 'DYN365_BUSCENTRAL';

/**
 * What the signed-in person may do, so that navigation, actions and the home page offer only that:
 * the directory role from the session, their own directory user (/directory/me: licences), and their
 * Sales user with its privileges (/sales/admin/me). Both answer 200 for anyone signed in, so asking
 * logs no refusal. The APIs still decide every call; this only spares a person pages and buttons that
 * would end in "access denied".
 */
export interface Rights {
  /** The directory and Sales have answered (until then only the directory role is known). */
  known: boolean;
  directoryRole: 'global_administrator' | 'user_administrator' | 'user';
  /** Manage directory users, import them, assign licences. */
  manageUsers: boolean;
  /** The bridge: setup, connection, coupling. */
  bridge: boolean;
  me: DirectoryUser | null;
  /** The person's Sales user and privileges (user null when they are not a Sales user). */
  sales: SalesMe | null;
  salesPrivilege(name: string): boolean;
  /** The ERP admits them: a Business Central licence, or a Global administrator. */
  erp: boolean;
}

export const RIGHTS_KEY = ['rights'] as const;

export function useRights(): Rights {
  const { user } = useSession();
  const directoryRole = user?.directoryRole ?? 'user';
  const me = useQuery({
    queryKey: [...RIGHTS_KEY, 'directory', user?.id],
    queryFn: getMe,
    staleTime: 60_000,
    enabled: !!user,
  });
  const sales = useQuery({
    queryKey: [...RIGHTS_KEY, 'sales', user?.id],
    queryFn: getSalesMe,
    staleTime: 60_000,
    enabled: !!user,
  });
  const privileges = new Set(sales.data?.user && !sales.data.user.isdisabled ? sales.data.privileges : []);
  const licensedForErp = (me.data?.licences ?? []).some((l) => l.partNumber.startsWith(ERP_LICENCE_PREFIX));
  return {
    known: !me.isPending && !sales.isPending,
    directoryRole,
    manageUsers: directoryRole !== 'user',
    bridge: directoryRole === 'global_administrator',
    me: me.data ?? null,
    sales: sales.data ?? null,
    salesPrivilege: (name) => privileges.has(name),
    erp: directoryRole === 'global_administrator' || licensedForErp,
  };
}
