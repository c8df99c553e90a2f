import { Navigate, Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/NotFoundPage';
import { ActiveUsersPage } from './users/ActiveUsersPage';
import { UserDetailsPage } from './users/UserDetailsPage';
import { ImportUsersPage } from './import/ImportUsersPage';
import { LicencesPage } from './licences/LicencesPage';

/** The Directory area: users, their import and their licences. Loaded on first visit. */
export default function DirectoryArea() {
  return (
    <Routes>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<ActiveUsersPage />} />
      <Route path="users/:id" element={<UserDetailsPage />} />
      <Route path="import" element={<ImportUsersPage />} />
      <Route path="licences" element={<LicencesPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
