import { Navigate, Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/NotFoundPage';
import { ConnectionPage } from './connection/ConnectionPage';
import { SalespeoplePage } from './salespeople/SalespeoplePage';
import { SetupPage } from './setup/SetupPage';

/**
 * The Bridge area (client paths under /admin/bridge; /bridge is the API): the assisted setup, the
 * connection, and coupling salespeople. The bridge's API answers Global administrators only.
 */
export default function BridgeArea() {
  return (
    <Routes>
      <Route index element={<Navigate to="connection" replace />} />
      <Route path="setup" element={<SetupPage />} />
      <Route path="connection" element={<ConnectionPage />} />
      <Route path="salespeople" element={<SalespeoplePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
