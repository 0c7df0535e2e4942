import { useSession } from '../auth/session';
import { Link } from '../router';

/** The pages of one workflow: designer, triggers, sharing, its notification rules and runs. */
export function WorkflowTabs({ workflowId, active }: { workflowId: string; active: 'triggers' | 'sharing' }) {
  const { can } = useSession();
  const id = encodeURIComponent(workflowId);
  return (
    <nav className="tabs" aria-label="Workflow">
      <Link to={`/workflows/${id}`}>Designer</Link>
      <Link to={`/workflows/${id}/triggers`} className={active === 'triggers' ? 'active' : undefined} aria-current={active === 'triggers' ? 'page' : undefined}>Triggers</Link>
      <Link to={`/workflows/${id}/sharing`} className={active === 'sharing' ? 'active' : undefined} aria-current={active === 'sharing' ? 'page' : undefined}>Sharing</Link>
      {can('notifications:manage') ? <Link to={`/notifications?tab=rules&workflow_id=${id}`}>Notifications</Link> : null}
      {can('executions:read') ? <Link to={`/executions?workflow_id=${id}`}>Runs</Link> : null}
    </nav>
  );
}
