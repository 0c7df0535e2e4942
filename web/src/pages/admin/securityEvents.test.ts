import { describe, expect, it } from 'vitest';
import { kindLabel, securityEventQuery } from './securityEvents';

describe('security event filters', () => {
  it('leaves out empty filters and passes the cursor', () => {
    expect(securityEventQuery({ kind: '', since: '' }, null)).toEqual({ limit: 50 });
    expect(securityEventQuery({ kind: 'sandbox_violation', since: '' }, 'c1', 20)).toEqual({ limit: 20, kind: 'sandbox_violation', cursor: 'c1' });
  });

  it('turns the local since time into an ISO instant and ignores one that does not parse', () => {
    const query = securityEventQuery({ kind: '', since: '2030-01-31T08:15' }, null);
    expect(query.since).toBe(new Date('2030-01-31T08:15').toISOString());
    expect(securityEventQuery({ kind: '', since: 'not a time' }, null)).not.toHaveProperty('since');
  });

  it('labels known kinds and passes unknown ones through', () => {
    expect(kindLabel('permission_denied')).toBe('Permission denied');
    expect(kindLabel('new_kind')).toBe('new_kind');
  });
});
