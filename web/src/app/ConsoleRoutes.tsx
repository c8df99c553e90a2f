import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { SignInPage } from '../auth/SignInPage';
import { useSession } from '../auth/session';
import { ErrorState } from '../components/ErrorState';
import { LoadingState } from '../components/LoadingState';
import { HOME_PATH } from './areas';
import { AccountPage } from './AccountPage';
import { AreaErrorBoundary } from './AreaErrorBoundary';
import { HomePage } from './HomePage';
import { NotFoundPage } from './NotFoundPage';
import { AppShell } from './shell/AppShell';

// One chunk per area: Fluent UI and the areas' pages load only when a person goes there.
const DirectoryArea = lazy(() => import('../areas/directory/DirectoryArea'));
const SalesArea = lazy(() => import('../areas/sales/SalesArea'));
const ErpArea = lazy(() => import('../areas/erp/ErpArea'));
const BridgeArea = lazy(() => import('../areas/bridge/BridgeArea'));

function AreaRoute({ children }: { children: ReactNode }) {
  return (
    <AreaErrorBoundary>
      <Suspense fallback={<LoadingState label="Loading the page…" />}>{children}</Suspense>
    </AreaErrorBoundary>
  );
}

/** Signed out: the sign-in page (at whatever address was asked for, which opens once signed in). */
export function ConsoleRoutes() {
  const session = useSession();
  if (session.status === 'loading') return <LoadingState label="Opening the Tandem admin center…" />;
  if (session.status === 'unreachable') {
    return (
      <div style={{ padding: 32 }}>
        <ErrorState
          title="Tandem is not answering"
          error={new Error('The server could not be reached.')}
          onRetry={session.retry}
        />
      </div>
    );
  }
  if (session.status === 'signed-out') return <SignInPage />;
  return (
    <Routes>
      <Route path="/" element={<Navigate to={HOME_PATH} replace />} />
      <Route path={HOME_PATH} element={<AppShell />}>
        <Route index element={<HomePage />} />
        <Route path="account" element={<AccountPage />} />
        <Route
          path="directory/*"
          element={
            <AreaRoute>
              <DirectoryArea />
            </AreaRoute>
          }
        />
        <Route
          path="sales/*"
          element={
            <AreaRoute>
              <SalesArea />
            </AreaRoute>
          }
        />
        <Route
          path="erp/*"
          element={
            <AreaRoute>
              <ErpArea />
            </AreaRoute>
          }
        />
        <Route
          path="bridge/*"
          element={
            <AreaRoute>
              <BridgeArea />
            </AreaRoute>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
      <Route path="*" element={<Navigate to={HOME_PATH} replace />} />
    </Routes>
  );
}
