import { useState, type FormEvent } from 'react';
import { useSession } from '../auth/session';
import { Field, FormError, fieldErrorOf } from '../components/ui';
import { navigate, useLocation } from '../router';

export function LoginPage({ reason }: { reason?: string | undefined }) {
  const { signIn } = useSession();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password, tenant.trim());
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') && next !== '/login' ? next : '/', true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);

  return (
    <div className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <h1><img src="/icon.svg" alt="" width={32} height={32} /> OpenClaw</h1>
        {reason ? <p className="muted">{reason}</p> : null}
        <Field label="Username" error={fieldError('username')}>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </Field>
        <Field label="Password" error={fieldError('password')}>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </Field>
        <Field label="Tenant" hint="Empty for the default tenant." error={fieldError('tenant')}>
          <input name="tenant" autoComplete="organization" value={tenant} onChange={(e) => setTenant(e.target.value)} placeholder="default" />
        </Field>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </div>
  );
}

/** The first sign-in with a one-time password: the server answers nothing else until it is changed. */
export function ChangePasswordPage({ username }: { username: string }) {
  const { changePassword, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMismatch(next !== repeat);
    if (next !== repeat) return;
    setError(null);
    try {
      await changePassword(current, next);
    } catch (e) {
      setError(e);
    }
  };
  const fieldError = (f: string) => fieldErrorOf(error, f);
  return (
    <div className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <h1>Choose a new password</h1>
        <p className="muted">{username}, your password was a one-time password. Choose your own to continue.</p>
        <Field label="Current password" error={fieldError('current_password')}>
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </Field>
        <Field label="New password" error={fieldError('new_password')}>
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />
        </Field>
        <Field label="Repeat the new password" error={mismatch ? 'The two new passwords differ.' : undefined}>
          <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
        </Field>
        <FormError error={error} />
        <button type="submit" className="primary">Change password</button>
        <button type="button" className="ghost" onClick={() => void signOut()}>Sign out</button>
      </form>
    </div>
  );
}
