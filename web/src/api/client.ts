import { ApiError, readProblem } from './problem';
import { EventStreamParser, type ServerEvent } from './sse';
import type { TokenResponse } from './types';

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body (serialised here) or text with its own content type. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Don't attach the token or refresh (login, refresh). */
  anonymous?: boolean;
}

/**
 * Where the refresh token lives between page loads. The access token stays in memory only (short-lived, never
 * persisted). The refresh token goes to sessionStorage: it survives a reload of the tab but not closing it, is not
 * shared with other tabs, and the server rotates it on every use, so a copied token stops working once the app
 * refreshes. (An HttpOnly cookie would keep it from script entirely, but the API's contract returns it in JSON.)
 */
export interface TokenStore {
  read(): string | null;
  write(refreshToken: string | null): void;
}

export const sessionTokenStore: TokenStore = {
  read: () => (typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem('openclaw.refresh_token')),
  write: (token) => {
    if (typeof sessionStorage === 'undefined') return;
    if (token) sessionStorage.setItem('openclaw.refresh_token', token);
    else sessionStorage.removeItem('openclaw.refresh_token');
  },
};

export function buildUrl(base: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

/**
 * Typed fetch for `/api/v2`: adds the bearer token, refreshes it once on a 401 (concurrent calls share one refresh),
 * and turns error answers into {@link ApiError}s carrying the RFC 7807 problem.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly base: string = '/api/v2',
    private readonly store: TokenStore = sessionTokenStore,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  get hasRefreshToken(): boolean {
    return this.store.read() !== null;
  }

  /** Called when the session ends without the user asking (refresh refused). */
  onSessionLost(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setTokens(tokens: TokenResponse | null): void {
    this.accessToken = tokens?.access_token ?? null;
    this.store.write(tokens?.refresh_token ?? null);
  }

  /** Uses the stored refresh token for a new access token; false when there is none or it was refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.store.read();
      if (!refreshToken) return false;
      try {
        const tokens = await this.request<TokenResponse>('POST', '/auth/refresh', { body: { refresh_token: refreshToken }, anonymous: true });
        this.setTokens(tokens);
        return true;
      } catch (error) {
        // A network failure keeps the token for the next try; a refusal ends the session.
        if (error instanceof ApiError) this.setTokens(null);
        return false;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, signal ? { query, signal } : { query });
  }

  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204 || response.status === 205) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) return (await response.json()) as T;
    return (await response.text()) as unknown as T;
  }

  /** Sends the request and returns the successful response; throws ApiError otherwise. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    let response = await this.fetchOnce(method, path, options);
    if (response.status === 401 && !options.anonymous && (await this.refresh())) {
      response = await this.fetchOnce(method, path, options);
    }
    if (response.status === 401 && !options.anonymous) {
      this.accessToken = null;
      for (const listener of this.listeners) listener();
    }
    if (!response.ok) {
      const problem = await readProblem(response);
      throw new ApiError(response.status, problem, `${method} ${path} failed with ${response.status} ${response.statusText}`);
    }
    return response;
  }

  private fetchOnce(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      if (typeof options.body === 'string' || options.body instanceof Blob || options.body instanceof ArrayBuffer) {
        body = options.body as BodyInit;
        if (options.contentType) headers['Content-Type'] = options.contentType;
      } else {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = options.contentType ?? 'application/json';
      }
    }
    if (!options.anonymous && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = body;
    if (options.signal) init.signal = options.signal;
    return this.fetcher(buildUrl(this.base, path, options.query), init);
  }

  /**
   * Streams server-sent events from `path` (with the bearer token, which EventSource cannot send) until the server
   * closes the stream or `signal` aborts. Resolves when the stream ends; throws ApiError when it cannot open.
   */
  async stream(path: string, onEvent: (event: ServerEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.send('GET', path, { headers: { Accept: 'text/event-stream' }, signal });
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new EventStreamParser();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const event of parser.push(value)) onEvent(event);
      }
    } finally {
      reader.releaseLock();
    }
  }
}

export const api = new ApiClient();
