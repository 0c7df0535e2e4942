import { useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Page } from '../api/types';
import { useApi } from '../components/useApi';
import { ErrorBanner, formatTime, Modal, StatusBadge } from '../components/ui';
import { diffLines } from '../workflow/diff';
import type { WorkflowDefinition } from '../workflow/definition';
import { toText } from '../workflow/text';

interface Version { version: number; status: string; name: string; author: string | null; created_at: string }
interface VersionDetail extends Version { definition: WorkflowDefinition }

/** Layout is not a change worth reading in a diff: compare definitions without each step's `ui`. */
function withoutLayout(definition: WorkflowDefinition): WorkflowDefinition {
  return { ...definition, steps: definition.steps.map(({ ui: _, ...step }) => step) };
}

/** A workflow's saved versions: status and author, publish one, and a line diff between any two. */
export function VersionsDialog({ workflowId, writable, onClose, onPublished }: { workflowId: string; writable: boolean; onClose(): void; onPublished(): void }) {
  const versions = useApi((signal) => api.get<Page<Version>>(`/workflows/${encodeURIComponent(workflowId)}/versions`, { limit: 100 }, signal), [workflowId]);
  const [pair, setPair] = useState<[number, number] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const items = versions.data?.items ?? [];
  const left = useApi((signal) => (pair ? api.get<VersionDetail>(`/workflows/${encodeURIComponent(workflowId)}/versions/${pair[0]}`, undefined, signal) : Promise.resolve(undefined)), [pair?.[0]]);
  const right = useApi((signal) => (pair ? api.get<VersionDetail>(`/workflows/${encodeURIComponent(workflowId)}/versions/${pair[1]}`, undefined, signal) : Promise.resolve(undefined)), [pair?.[1]]);
  const diff = useMemo(() => (left.data && right.data ? diffLines(toText(withoutLayout(left.data.definition), 'yaml'), toText(withoutLayout(right.data.definition), 'yaml')) : null), [left.data, right.data]);

  const publish = async (version: number) => {
    setError(null);
    try {
      await api.post(`/workflows/${encodeURIComponent(workflowId)}/publish`, { version });
      versions.reload();
      onPublished();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Modal title={`Versions of ${workflowId}`} onClose={onClose} wide>
      <ErrorBanner error={error ?? versions.error} />
      <table className="table compact" data-testid="versions">
        <thead><tr><th>Version</th><th>Status</th><th>Name</th><th>Author</th><th>Saved</th><th /></tr></thead>
        <tbody>
          {items.map((v, index) => (
            <tr key={v.version}>
              <td>v{v.version}</td><td><StatusBadge status={v.status} /></td><td>{v.name}</td><td>{v.author ?? '—'}</td><td>{formatTime(v.created_at)}</td>
              <td className="actions">
                {items[index + 1] ? <button className="ghost" onClick={() => setPair([items[index + 1]!.version, v.version])}>Diff with v{items[index + 1]!.version}</button> : null}
                {writable && v.status !== 'published' ? <button className="ghost" onClick={() => void publish(v.version)}>Publish</button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length > 1 ? (
        <div className="row small">
          Compare
          <select aria-label="From version" value={pair?.[0] ?? ''} onChange={(e) => setPair([Number(e.target.value), pair?.[1] ?? items[0]!.version])}>
            <option value="" disabled>from…</option>{items.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
          </select>
          with
          <select aria-label="To version" value={pair?.[1] ?? ''} onChange={(e) => setPair([pair?.[0] ?? items.at(-1)!.version, Number(e.target.value)])}>
            <option value="" disabled>to…</option>{items.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}
          </select>
        </div>
      ) : null}
      {diff ? (
        <pre className="diff-view" data-testid="version-diff">
          {diff.every((l) => l.kind === 'same') ? <span className="muted">No differences (layout aside).</span> : null}
          {diff.map((l, i) => (
            <div key={i} className={`diff-${l.kind}`}><span className="diff-gutter">{l.left ?? ''}</span><span className="diff-gutter">{l.right ?? ''}</span>{l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}{l.text}</div>
          ))}
        </pre>
      ) : null}
    </Modal>
  );
}
