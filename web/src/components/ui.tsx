import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/problem';

export function ErrorBanner({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div className="banner error" role="alert">
      <div>
        <strong>{error instanceof ApiError ? (error.problem?.title ?? 'Request failed') : 'Error'}</strong>
        {fields.length === 0 ? <div>{message}</div> : (
          <ul>{fields.map((f) => <li key={f.field + f.message}><code>{f.field}</code> {f.message}</li>)}</ul>
        )}
        {error instanceof ApiError && error.problem?.detail && fields.length > 0 ? <div>{error.problem.detail}</div> : null}
      </div>
      {onDismiss ? <button className="ghost" onClick={onDismiss} aria-label="Dismiss">×</button> : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`} data-status={status}>{status}</span>;
}

export function Modal({ title, children, onClose, wide }: { title: string; children: ReactNode; onClose(): void; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className={wide ? 'modal wide' : 'modal'} onClose={onClose} onCancel={onClose} aria-label={title}>
      <header><h2>{title}</h2><button className="ghost" onClick={onClose} aria-label="Close">×</button></header>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}

export function JsonView({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <span className="muted">—</span>;
  return <pre className="json">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

export function Field({ label, error, children, hint }: { label: string; error?: string | undefined; children: ReactNode; hint?: string | undefined }) {
  return (
    <label className={error ? 'field invalid' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="hint">{hint}</span> : null}
      {error ? <span className="field-error" role="alert">{error}</span> : null}
    </label>
  );
}

/** The message for one field of a failed form submit, from the problem's `errors`. */
export function fieldErrorOf(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}

/**
 * A form's error that no field shows: the banner, unless the problem named fields (shown next to them). With
 * `fields` (the fields the form shows), a problem naming any other field still gets the banner, so nothing is lost.
 */
export function FormError({ error, fields }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.fieldErrors.length > 0 && (!fields || !error.namesFieldOutside(fields))) return null;
  return <ErrorBanner error={error} />;
}
