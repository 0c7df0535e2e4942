import { useEffect, useState, useCallback } from 'react';
import { api } from '../api/client';
import type { MarketplaceEntry, Plugin } from '../api/types';
import { useSession } from '../auth/session';
import { useAction } from '../components/useAction';
import { useApi } from '../components/useApi';
import { ErrorBanner, Modal, StatusBadge } from '../components/ui';

interface InstallPlan {
  plugin: MarketplaceEntry;
  permissions: { name: string; description: string }[];
  dependencies: { name: string; range: string; state: string | number; installed_version: string | null; available_version: string | null }[];
  installed_versions: string[];
  is_upgrade: boolean;
  problems: string[];
}

/** The newest version per plugin name (entries come with every version). */
function newest(entries: MarketplaceEntry[]): MarketplaceEntry[] {
  const byName = new Map<string, MarketplaceEntry>();
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number(p) || 0);
  const newer = (a: string, b: string) => {
    const x = parts(a);
    const y = parts(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
    return false;
  };
  for (const e of entries) {
    const seen = byName.get(e.name);
    if (!seen || newer(e.version, seen.version)) byName.set(e.name, e);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function MarketplacePage() {
  const { can } = useSession();
  const manage = can('plugins:manage');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [planFor, setPlanFor] = useState<MarketplaceEntry | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const catalog = useApi((signal) => api.get<{ plugins: MarketplaceEntry[] }>('/marketplace/plugins', { q: query }, signal), [query]);
  const installed = useApi((signal) => api.get<{ plugins: Plugin[] }>('/plugins', undefined, signal), []);

  const refresh = useCallback(() => { installed.reload(); }, [installed.reload]);
  const { error: actionError, run: act, clear: clearActionError } = useAction(refresh);
  const mine = installed.data?.plugins.filter((p) => p.source === 'installed') ?? [];

  return (
    <div className="page">
      <div className="page-header"><h1>Marketplace</h1><input type="search" placeholder="Search plugins" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search marketplace" /></div>
      <ErrorBanner error={actionError ?? catalog.error ?? installed.error} onDismiss={actionError ? clearActionError : undefined} />
      <div className="cards">
        {newest(catalog.data?.plugins ?? []).map((entry) => {
          const have = mine.filter((p) => p.name === entry.name);
          return (
            <article className="card plugin-card" key={entry.name} data-testid={`market-${entry.name}`}>
              <h3>{entry.name} <span className="muted small">{entry.version}</span></h3>
              <p>{entry.description}</p>
              <p className="muted small">{entry.author}{entry.category ? ` · ${entry.category}` : ''}{entry.tags?.length ? ` · ${entry.tags.join(', ')}` : ''}</p>
              {have.length > 0 ? <p className="small">Installed: {have.map((p) => `${p.version} (${p.status})`).join(', ')}</p> : null}
              {manage ? <button className="primary" onClick={() => setPlanFor(entry)}>{have.length > 0 ? 'Upgrade…' : 'Install…'}</button> : null}
            </article>
          );
        })}
        {catalog.data && catalog.data.plugins.length === 0 ? <p className="muted">No plugin matches{query ? ` "${query}"` : ''}. Marketplace sources are set with OpenClaw:Marketplace:Folders and :Servers.</p> : null}
      </div>

      <h2>Installed plugins</h2>
      <table className="table">
        <thead><tr><th>Plugin</th><th>Version</th><th>Status</th><th>Permissions</th><th /></tr></thead>
        <tbody>
          {mine.map((p) => (
            <tr key={`${p.name}@${p.version}`} data-testid={`installed-${p.name}`}>
              <td><strong>{p.name}</strong><div className="muted small">{p.description}</div></td>
              <td>{p.version}</td>
              <td><StatusBadge status={p.status} /></td>
              <td className="small">{p.permissions.join(', ') || 'none'}</td>
              <td className="actions">
                {manage && p.status === 'enabled' ? <button className="ghost" onClick={() => void act(() => api.post(`/plugins/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}/disable`))}>Disable</button> : null}
                {manage && p.status === 'disabled' ? <button className="ghost" onClick={() => void act(() => api.post(`/plugins/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}/enable`))}>Enable</button> : null}
                {manage ? <button className="ghost danger" onClick={() => confirm(`Uninstall ${p.name} ${p.version}?`) && void act(() => api.delete(`/plugins/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}`))}>Uninstall</button> : null}
              </td>
            </tr>
          ))}
          {mine.length === 0 ? <tr><td colSpan={5} className="empty">No third-party plugins installed; the built-ins are always available.</td></tr> : null}
        </tbody>
      </table>
      {planFor ? <InstallDialog entry={planFor} onClose={() => setPlanFor(null)} onDone={() => { setPlanFor(null); installed.reload(); }} /> : null}
    </div>
  );
}

/** Shows what an install asks for (permissions first, then dependencies) before anything is installed. */
function InstallDialog({ entry, onClose, onDone }: { entry: MarketplaceEntry; onClose(): void; onDone(): void }) {
  const plan = useApi((signal) => api.get<InstallPlan>(`/marketplace/plugins/${encodeURIComponent(entry.name)}/plan`, { version: entry.version }, signal), [entry.name, entry.version]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const install = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/marketplace/plugins/${encodeURIComponent(entry.name)}/install?version=${encodeURIComponent(entry.version)}`);
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const p = plan.data;
  return (
    <Modal title={`${p?.is_upgrade ? 'Upgrade to' : 'Install'} ${entry.name} ${entry.version}`} onClose={onClose}>
      <ErrorBanner error={plan.error ?? error} />
      {p ? (
        <div className="plan" data-testid="install-plan">
          <h4>This plugin asks for</h4>
          {p.permissions.length === 0 ? <p>No permissions: it runs sandboxed without network or file access.</p> : (
            <ul className="permissions">{p.permissions.map((perm) => <li key={perm.name}><code>{perm.name}</code> — {perm.description}</li>)}</ul>
          )}
          {p.dependencies.length > 0 ? (
            <><h4>Dependencies</h4><ul>{p.dependencies.map((d) => <li key={d.name}>{d.name} {d.range} — {String(d.state)}{d.available_version ? ` (${d.available_version})` : ''}</li>)}</ul></>
          ) : null}
          {p.installed_versions.length > 0 ? <p className="small">Installed now: {p.installed_versions.join(', ')}</p> : null}
          {p.problems.length > 0 ? <ul className="problems">{p.problems.map((x) => <li key={x}>{x}</li>)}</ul> : null}
          <div className="form-actions">
            <button onClick={onClose}>Cancel</button>
            <button className="primary" disabled={busy || p.problems.length > 0} onClick={() => void install()}>{busy ? 'Installing…' : p.is_upgrade ? 'Upgrade' : 'Install'}</button>
          </div>
        </div>
      ) : <p>Loading the install plan…</p>}
    </Modal>
  );
}
