import { describe, expect, it } from 'vitest';
import { principalLabel, shareCandidates, sharedGrants, sharePath, type Share, type ShareUser } from './shares';

const users: ShareUser[] = [
  { id: '0191A7E0-0000-7000-8000-000000000001', username: 'ann', role: 'viewer' },
  { id: '0191a7e0-0000-7000-8000-000000000002', username: 'bob', role: 'operator' },
  { id: '0191a7e0-0000-7000-8000-000000000003', username: 'root', role: 'admin' },
];
const shares: Share[] = [
  { principal_type: 'user', principal_id: '0191a7e0-0000-7000-8000-000000000001', permission: 'run', grants: [], created_by: null, created_at: '' },
  { principal_type: 'role', principal_id: 'viewer', permission: 'read', grants: [], created_by: null, created_at: '' },
];

describe('workflow shares', () => {
  it('names users by their user name (ids compared without case) and roles as such', () => {
    expect(principalLabel(shares[0]!, users)).toBe('ann');
    expect(principalLabel(shares[1]!, users)).toBe('everyone with role viewer');
    expect(principalLabel({ principal_type: 'user', principal_id: 'gone' }, users)).toBe('gone');
    expect(principalLabel(shares[0]!, [], { id: users[0]!.id, username: 'ann' })).toBe('ann (you)');
  });

  it('offers only principals without a share, never administrators', () => {
    expect(shareCandidates('user', shares, users, [])).toEqual([{ id: users[1]!.id, label: 'bob (operator)' }]);
    expect(shareCandidates('role', shares, users, ['admin', 'editor', 'operator', 'viewer']).map((c) => c.id)).toEqual(['editor', 'operator']);
  });

  it('builds the share paths with the ids escaped', () => {
    expect(sharePath('order sync')).toBe('/workflows/order%20sync/shares');
    expect(sharePath('w', shares[1])).toBe('/workflows/w/shares/role/viewer');
  });

  it('adds the grants of the shares naming the caller or their role, for users only', () => {
    const withGrants: Share[] = [
      { ...shares[0]!, grants: ['workflows:read', 'executions:read', 'executions:run'] },
      { ...shares[1]!, permission: 'edit', grants: [] },
    ];
    const ann = { id: users[0]!.id, role: 'viewer', kind: 'user' };
    expect([...sharedGrants(ann, withGrants)].sort()).toEqual(['executions:read', 'executions:run', 'workflows:read', 'workflows:write']);
    expect([...sharedGrants({ id: 'x', role: 'operator' }, withGrants)]).toEqual([]);
    expect([...sharedGrants({ id: 'x', role: 'viewer' }, withGrants)]).toContain('workflows:write');
    expect(sharedGrants({ ...ann, kind: 'api_key' }, withGrants).size).toBe(0);
  });
});
