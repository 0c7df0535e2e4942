import { describe, expect, it } from 'vitest';
import { ApiClient, buildUrl, type TokenStore } from './client';
import { ApiError } from './problem';
import { EventStreamParser } from './sse';

function memoryStore(initial: string | null = null): TokenStore & { value: string | null } {
  return { value: initial, read() { return this.value; }, write(t) { this.value = t; } };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('ApiClient', () => {
  it('sends the bearer token, refreshes once on 401 and retries with the rotated token', async () => {
    const seen: string[] = [];
    const store = memoryStore('r1');
    const fetcher = async (url: RequestInfo | URL, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).Authorization ?? 'none';
      seen.push(`${init?.method} ${String(url)} ${auth}`);
      if (String(url).endsWith('/auth/refresh')) {
        expect(JSON.parse(String(init?.body))).toEqual({ refresh_token: 'r1' });
        return json(200, { access_token: 'a2', token_type: 'Bearer', expires_in: 900, refresh_token: 'r2' });
      }
      return auth === 'Bearer a2' ? json(200, { ok: true }) : json(401, { title: 'Unauthorized', status: 401 }, 'application/problem+json');
    };
    const client = new ApiClient('/api/v2', store, fetcher as typeof fetch);
    client.setTokens({ access_token: 'a1', token_type: 'Bearer', expires_in: 900, refresh_token: 'r1' });
    expect(await client.get('/workflows', { search: 'x', limit: undefined })).toEqual({ ok: true });
    expect(seen).toEqual(['GET /api/v2/workflows?search=x Bearer a1', 'POST /api/v2/auth/refresh none', 'GET /api/v2/workflows?search=x Bearer a2']);
    expect(store.value).toBe('r2');
  });

  it('ends the session when the refresh is refused', async () => {
    const store = memoryStore('old');
    let lost = 0;
    const fetcher = async () => json(401, { title: 'Unauthorized', status: 401 }, 'application/problem+json');
    const client = new ApiClient('/api/v2', store, fetcher as typeof fetch);
    client.onSessionLost(() => lost++);
    await expect(client.get('/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(store.value).toBeNull();
    expect(lost).toBe(1);
  });

  it('surfaces RFC 7807 problems with the field at fault', async () => {
    const problem = { title: 'The request is invalid', status: 400, errors: { limit: ['Must be between 1 and 500.'] } };
    const client = new ApiClient('/api/v2', memoryStore(), (async () => json(400, problem, 'application/problem+json')) as typeof fetch);
    const error = await client.get('/workflows', { limit: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldError('limit')).toBe('Must be between 1 and 500.');
    expect((error as ApiError).message).toBe('The request is invalid — limit: Must be between 1 and 500.');
  });

  it('finds a body field named with or without the JSON path root', () => {
    const error = new ApiError(400, { title: 'Invalid', errors: { '$.target.url': ['Must be an absolute http or https URL.'], mode: ['Must be async or sync.'] } }, 'x');
    expect(error.fieldError('target.url')).toBe('Must be an absolute http or https URL.');
    expect(error.fieldError('$.target.url')).toBe('Must be an absolute http or https URL.');
    expect(error.fieldError('mode')).toBe('Must be async or sync.');
    expect(error.fieldError('$.mode')).toBeUndefined();
    expect(error.fieldError('name')).toBeUndefined();
    expect(error.namesFieldOutside(['target.url', 'mode'])).toBe(false);
    expect(error.namesFieldOutside(['target.url'])).toBe(true);
  });

  it('finds a field named by its JSON path under its plain name', () => {
    const error = new ApiError(400, { title: 'The schedule is invalid', status: 400, errors: { '$.cron': ['Never fires.'], '$.values.token': ['Required.'] } }, 'invalid');
    expect(error.fieldError('cron')).toBe('Never fires.');
    expect(error.fieldError('$.cron')).toBe('Never fires.');
    expect(error.fieldError('values.token')).toBe('Required.');
    expect(error.fieldError('time_zone')).toBeUndefined();
  });

  it('builds query strings without empty values', () => {
    expect(buildUrl('/api/v2', '/executions', { status: 'failed', workflow_id: '', cursor: null, limit: 20 })).toBe('/api/v2/executions?status=failed&limit=20');
  });
});

describe('EventStreamParser', () => {
  it('parses events split across chunks, multi-line data, comments and CRLF', () => {
    const parser = new EventStreamParser();
    expect(parser.push(': keep-alive\n\nevent: step\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\nid: 7\n\r')).toEqual([]);
    expect(parser.push('\ndata: x\ndata: y\n\n')).toEqual([
      { event: 'step', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'x\ny', id: '7' },
    ]);
  });
});
