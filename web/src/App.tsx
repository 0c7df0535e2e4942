import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useSession } from './auth/session';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { ChangePasswordPage, LoginPage } from './pages/LoginPage';
import { Link, match, Redirect, useLocation } from './router';
import { WorkflowsPage } from './pages/WorkflowsPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { MarketplacePage } from './pages/MarketplacePage';
import { DashboardPage } from './pages/DashboardPage';
import { QueuesPage } from './pages/QueuesPage';
import { AdminPage } from './pages/AdminPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { TriggersPage } from './workflowPages/TriggersPage';
import { SharingPage } from './workflowPages/SharingPage';
import { unreadBadge } from './notifications/rules';
import { useUnreadCount } from './notifications/unread';

// The designer and run view bring the canvas and Monaco: loaded on first use so sign-in and lists stay light.
const DesignerPage = lazy(() => import('./designer/DesignerPage'));
const RunPage = lazy(() => import('./run/RunPage'));

interface Route {
  pattern: string;
  render(params: Record<string, string>): ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/', render: () => <DashboardPage /> },
  { pattern: '/workflows', render: () => <WorkflowsPage /> },
  { pattern: '/workflows/:id', render: (p) => <DesignerPage key={p.id} workflowId={p.id!} /> },
  { pattern: '/workflows/:id/triggers', render: (p) => <TriggersPage key={p.id} workflowId={p.id!} /> },
  { pattern: '/workflows/:id/sharing', render: (p) => <SharingPage key={p.id} workflowId={p.id!} /> },
  { pattern: '/notifications', render: () => <NotificationsPage /> },
  { pattern: '/executions', render: () => <ExecutionsPage /> },
  { pattern: '/executions/:id', render: (p) => <RunPage key={p.id} executionId={p.id!} /> },
  { pattern: '/marketplace', render: () => <MarketplacePage /> },
  { pattern: '/queues', render: () => <QueuesPage /> },
  { pattern: '/schedules', render: () => <SchedulesPage /> },
  { pattern: '/admin', render: () => <AdminPage /> },
];

/** The menu; an entry shows only to callers who may read what it lists. */
const NAV = [
  { to: '/', label: 'Dashboard', permission: 'executions:read' },
  { to: '/workflows', label: 'Workflows', permission: 'workflows:read' },
  { to: '/executions', label: 'Executions', permission: 'executions:read' },
  { to: '/queues', label: 'Queues', permission: 'queues:read' },
  { to: '/schedules', label: 'Schedules', permission: 'schedules:read' },
  { to: '/marketplace', label: 'Marketplace', permission: 'plugins:read' },
  { to: '/notifications', label: 'Notifications', permission: 'executions:read' },
  { to: '/admin', label: 'Admin', permission: 'workflows:read' },
];

export function App() {
  const session = useSession();
  const { path, search } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const unread = useUnreadCount(session.state.status === 'signed-in' && session.can('executions:read'));

  if (session.state.status === 'loading') return <div className="splash">Loading…</div>;
  if (session.state.status === 'signed-out') {
    // The whole address comes back after sign-in, filters in the query included.
    if (path !== '/login') return <Redirect to={`/login?next=${encodeURIComponent(search.size ? `${path}?${search}` : path)}`} />;
    return <LoginPage reason={session.state.reason} />;
  }
  if (session.state.status === 'must-change-password') return <ChangePasswordPage username={session.state.me.username} />;
  if (path === '/login') return <Redirect to="/" />;

  let content: ReactNode = <div className="page"><h1>Not found</h1><p>No page at <code>{path}</code>.</p></div>;
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params) {
      content = route.render(params);
      break;
    }
  }
  const { me, authEnabled } = session.state;
  const active = (to: string) => (to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`));
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <header className="topbar">
        <button className="ghost menu-button" aria-label="Menu" onClick={() => setMenuOpen((o) => !o)}>☰{unread > 0 ? <span className="menu-dot" aria-hidden /> : null}</button>
        <Link to="/" className="brand"><img src="/icon.svg" alt="" width={24} height={24} /> OpenClaw</Link>
        <span className="spacer" />
        <span className="who" data-testid="who">{me.username} <span className="muted">({me.role})</span></span>
        {authEnabled ? <button className="ghost" onClick={() => void session.signOut()}>Sign out</button> : null}
      </header>
      <nav className="sidebar" onClick={() => setMenuOpen(false)}>
        {NAV.filter((n) => session.can(n.permission)).map((n) => (
          <Link key={n.to} to={n.to} className={active(n.to) ? 'active' : undefined}>
            {n.label}
            {n.to === '/notifications' && unread > 0 ? <span className="nav-count" data-testid="unread-count" aria-label={`${unread} unread`}>{unreadBadge(unread)}</span> : null}
          </Link>
        ))}
      </nav>
      <main className="content">
        <PageErrorBoundary key={path}><Suspense fallback={<div className="page">Loading…</div>}>{content}</Suspense></PageErrorBoundary>
      </main>
    </div>
  );
}
