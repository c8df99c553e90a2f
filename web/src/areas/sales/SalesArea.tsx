import { Navigate, Route, Routes } from 'react-router';
import { NotFoundPage } from '../../app/NotFoundPage';
import { AccountsPage } from './records/AccountsPage';
import { ContactsPage } from './records/ContactsPage';
import { SecurityRolesPage } from './roles/SecurityRolesPage';
import { SalesUserPage } from './users/SalesUserPage';
import { SalesUsersPage } from './users/SalesUsersPage';

/** The Sales area: users, their access mode and roles, the roles themselves, and records. */
export default function SalesArea() {
  return (
    <Routes>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<SalesUsersPage />} />
      <Route path="users/:id" element={<SalesUserPage />} />
      <Route path="roles" element={<SecurityRolesPage />} />
      <Route path="roles/:roleId" element={<SecurityRolesPage />} />
      <Route path="accounts" element={<AccountsPage />} />
      <Route path="contacts" element={<ContactsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
