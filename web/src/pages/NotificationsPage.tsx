import { useSession } from '../auth/session';
import { Link, useLocation } from '../router';
import { DeliveriesTab } from './notifications/DeliveriesTab';
import { InboxTab } from './notifications/InboxTab';
import { RulesTab } from './notifications/RulesTab';

const TABS = [
  { key: 'inbox', label: 'Inbox', permission: 'executions:read' },
  { key: 'rules', label: 'Rules', permission: 'notifications:manage' },
  { key: 'deliveries', label: 'Delivery log', permission: 'notifications:manage' },
];

/** Notifications: the in-app inbox, the rules that send them (per workflow or tenant), and the delivery log. */
export function NotificationsPage() {
  const { can } = useSession();
  const { search } = useLocation();
  const tabs = TABS.filter((t) => can(t.permission));
  const active = tabs.find((t) => t.key === search.get('tab')) ?? tabs[0];
  const workflowId = search.get('workflow_id') ?? '';
  return (
    <div className="page">
      <div className="page-header"><h1>Notifications</h1></div>
      <nav className="tabs" aria-label="Notifications">
        {tabs.map((t) => <Link key={t.key} to={`/notifications?tab=${t.key}`} className={t === active ? 'active' : undefined} aria-current={t === active ? 'page' : undefined}>{t.label}</Link>)}
      </nav>
      {active?.key === 'inbox' ? <InboxTab /> : null}
      {active?.key === 'rules' ? <RulesTab workflowId={workflowId} /> : null}
      {active?.key === 'deliveries' ? <DeliveriesTab /> : null}
      {!active ? <p className="muted">Your role sees no notifications.</p> : null}
    </div>
  );
}
