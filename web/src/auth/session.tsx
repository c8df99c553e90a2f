import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { accessTokens } from '../api/access-tokens';
import { onSessionLost } from '../api/http';
import { fetchSignedInUser, signOut as endSession, type SignedInUser } from './session-api';

interface Session {
  status: 'loading' | 'signed-in' | 'signed-out' | 'unreachable';
  user: SignedInUser | null;
  /** After a successful sign-in: the console opens for this user. */
  signedIn(user: SignedInUser): void;
  signOut(): Promise<void>;
  retry(): void;
}

const SessionContext = createContext<Session | null>(null);
const SESSION_KEY = ['session'] as const;

/** Who is signed in: read from /auth/me once, updated by sign-in and sign-out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSignedInUser, staleTime: Infinity, retry: 1 });

  const forget = useCallback(() => {
    accessTokens.clear();
    // Nothing another user could see stays in the cache.
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    queryClient.setQueryData(SESSION_KEY, null);
  }, [queryClient]);

  useEffect(() => onSessionLost(forget), [forget]);

  const value = useMemo<Session>(
    () => ({
      status: me.isPending ? 'loading' : me.isError ? 'unreachable' : me.data ? 'signed-in' : 'signed-out',
      user: me.data ?? null,
      signedIn: (user) => {
        accessTokens.clear();
        queryClient.setQueryData(SESSION_KEY, user);
      },
      signOut: async () => {
        try {
          await endSession();
        } finally {
          forget();
        }
      },
      retry: () => void me.refetch(),
    }),
    [me, queryClient, forget],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider above it.');
  return session;
}
