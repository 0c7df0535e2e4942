import { useSession } from '../auth/session';
import { Link, useLocation } from '../router';
import { ApiKeysTab } from './admin/ApiKeysTab';
import { AuditTab } from './admin/AuditTab';
import { CredentialsTab } from './admin/CredentialsTab';
import { RolesTab } from './admin/RolesTab';
import { SecurityEventsTab } from './admin/SecurityEventsTab';
import { TenantsTab } from './admin/TenantsTab';
import { UsersTab } from './admin/UsersTab';

const TABS = [
  { key: 'users', label: 'Users', permission: 'users:manage', render: () => <UsersTab /> },
  { key: 'roles', label: 'Roles', permission: null, render: () => <RolesTab /> },
  { key: 'api-keys', label: 'API keys', permission: null, render: () => <ApiKeysTab /> },
  { key: 'tenants', label: 'Tenants', permission: 'tenants:manage', render: () => <TenantsTab /> },
  { key: 'credentials', label: 'Credentials', permission: 'credentials:read', render: () => <CredentialsTab /> },
  { key: 'audit', label: 'Audit log', permission: 'audit:read', render: () => <AuditTab /> },
  { key: 'security', label: 'Security events', permission: 'audit:read', render: () => <SecurityEventsTab /> },
];

export function AdminPage() {
  const { can } = useSession();
  const { search } = useLocation();
  const tabs = TABS.filter((t) => t.permission === null || can(t.permission));
  const active = tabs.find((t) => t.key === search.get('tab')) ?? tabs[0]!;
  return (
    <div className="page">
      <div className="page-header"><h1>Administration</h1></div>
      <nav className="tabs" aria-label="Administration">
        {tabs.map((t) => <Link key={t.key} to={`/admin?tab=${t.key}`} className={t === active ? 'active' : undefined}>{t.label}</Link>)}
      </nav>
      {active.render()}
    </div>
  );
}
