import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Me, TokenResponse } from '../api/types';

export const ALL_PERMISSIONS = [
  'workflows:read', 'workflows:write', 'executions:read', 'executions:run', 'queues:read', 'queues:manage',
  'schedules:read', 'schedules:manage', 'triggers:manage', 'plugins:read', 'plugins:manage', 'credentials:read',
  'credentials:manage', 'notifications:manage', 'users:manage', 'tenants:manage', 'audit:read',
];

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: string }
  /** Signed in with a one-time password (the first admin's, or one an administrator set): only a new password is allowed. */
  | { status: 'must-change-password'; me: Me }
  | { status: 'signed-in'; me: Me; /** False on a server without authentication (every request is its admin). */ authEnabled: boolean };

interface SessionApi {
  state: SessionState;
  /** Signs in to `tenant` (the server's default tenant when empty). */
  signIn(username: string, password: string, tenant?: string): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  signOut(): Promise<void>;
  can(permission: string): boolean;
}

const SessionContext = createContext<SessionApi | null>(null);

/**
 * A user whose password must change gets 403 "Change your password first (POST /auth/password)" from everything but
 * /auth/me, /auth/password and /auth/logout; one cheap call tells.
 */
async function mustChangePassword(me: Me): Promise<boolean> {
  if (me.kind !== undefined && me.kind !== 'user') return false;
  try {
    await api.get('/workflows', { limit: 1 });
    return false;
  } catch (error) {
    return error instanceof ApiError && error.status === 403 && /auth\/password/.test(error.problem?.detail ?? '');
  }
}

async function signedIn(me: Me): Promise<SessionState> {
  return (await mustChangePassword(me)) ? { status: 'must-change-password', me } : { status: 'signed-in', me, authEnabled: true };
}

/** Who is signed in: restored on load from the refresh token (see TokenStore), or from /auth/me on an open server. */
async function restore(): Promise<SessionState> {
  if (api.hasRefreshToken && !(await api.refresh())) return { status: 'signed-out' };
  try {
    const me = await api.get<Me>('/auth/me');
    return await signedIn(me);
  } catch (error) {
    // A server without the auth endpoints treats every request as the default tenant's admin.
    if (error instanceof ApiError && error.status === 404) {
      return { status: 'signed-in', authEnabled: false, me: { id: 'system', username: 'admin', tenant_id: 'default', role: 'admin', permissions: ALL_PERMISSIONS } };
    }
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return { status: 'signed-out' };
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    restore()
      .then((s) => live && setState(s))
      .catch((e: unknown) => live && setState({ status: 'signed-out', reason: e instanceof Error ? e.message : String(e) }));
    const stop = api.onSessionLost(() => setState({ status: 'signed-out', reason: 'Your session has ended; sign in again.' }));
    return () => {
      live = false;
      stop();
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string, tenant?: string) => {
    const tokens = await api.post<TokenResponse>('/auth/login', { username, password, ...(tenant ? { tenant } : {}) }, { anonymous: true });
    api.setTokens(tokens);
    setState(await signedIn(await api.get<Me>('/auth/me')));
  }, []);

  const changePassword = useCallback(async (currentPassword: string, newPassword: string) => {
    const tokens = await api.post<TokenResponse>('/auth/password', { current_password: currentPassword, new_password: newPassword });
    api.setTokens(tokens);
    setState(await signedIn(await api.get<Me>('/auth/me')));
  }, []);

  const signOut = useCallback(async () => {
    const refreshToken = sessionStorage.getItem('openclaw.refresh_token');
    try {
      if (refreshToken) await api.post('/auth/logout', { refresh_token: refreshToken });
    } catch {
      // Signing out locally matters more than telling the server; the token expires anyway.
    }
    api.setTokens(null);
    setState({ status: 'signed-out' });
  }, []);

  const value = useMemo<SessionApi>(() => ({
    state,
    signIn,
    changePassword,
    signOut,
    can: (permission) => state.status === 'signed-in' && state.me.permissions.includes(permission),
  }), [state, signIn, changePassword, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
