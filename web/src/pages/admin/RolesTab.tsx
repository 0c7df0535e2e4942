import { api } from '../../api/client';
import { useApi } from '../../components/useApi';
import { ErrorBanner } from '../../components/ui';

interface RoleMatrix { permissions: string[]; roles: { name: string; permissions: string[] }[]; share_levels: { name: string; permissions: string[] }[] }

/** What each role may do: the server's permission matrix. */
export function RolesTab() {
  const matrix = useApi((signal) => api.get<RoleMatrix>('/roles', undefined, signal), []);
  const m = matrix.data;
  return (
    <>
      <h2>Roles</h2>
      <ErrorBanner error={matrix.error} />
      {m ? (
        <table className="table compact matrix">
          <thead><tr><th>Permission</th>{m.roles.map((r) => <th key={r.name}>{r.name}</th>)}</tr></thead>
          <tbody>
            {m.permissions.map((p) => (
              <tr key={p}><td><code>{p}</code></td>{m.roles.map((r) => <td key={r.name}>{r.permissions.includes(p) ? '✓' : ''}</td>)}</tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {m && m.share_levels.length > 0 ? (
        <p className="muted small">Workflow shares: {m.share_levels.map((s) => `${s.name} (${s.permissions.join(', ')})`).join('; ')}</p>
      ) : null}
    </>
  );
}
