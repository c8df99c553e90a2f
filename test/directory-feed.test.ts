import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserSnapshot } from '../src/directory/index.js';
import { adminHeaders } from './support/auth.js';
import { startTestSystem, type TestSystem } from './support/test-system.js';

describe('directory user feed (outbox)', () => {
  let system: TestSystem;
  let headers: Record<string, string>;
  beforeAll(async () => {
    system = await startTestSystem();
    headers = await adminHeaders(system);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${system.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBeLessThan(300);
    return response.status === 204 ? undefined : ((await response.json()) as Record<string, unknown>);
  };

  it('records every user change in the outbox, in order, and wakes in-process consumers', async () => {
    const feed = system.running.directory.feed;
    const start = await feed.latestCursor();
    let woken = 0;
    const unsubscribe = feed.onChange(() => woken++);

    const created = (await call('POST', '/directory/users', {
      userPrincipalName: 'feed.one@contoso.com',
      displayName: 'Feed One',
      usageLocation: 'US',
    })) as { id: string };
    await call('POST', `/directory/users/${created.id}/assign-licences`, {
      addLicences: ['DYN365_ENTERPRISE_PLAN1'],
      removeLicences: [],
    });
    unsubscribe();

    const changes = await feed.readChanges(start, 100);
    expect(changes.length).toBeGreaterThanOrEqual(2);
    expect(changes.every((c) => c.userId === created.id)).toBe(true);
    const cursors = changes.map((c) => c.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(woken).toBeGreaterThanOrEqual(2);

    const [snapshot] = (await feed.snapshots([created.id])) as UserSnapshot[];
    expect(snapshot).toMatchObject({
      id: created.id,
      deleted: false,
      userPrincipalName: 'feed.one@contoso.com',
      displayName: 'Feed One',
      signInAllowed: true,
      licences: ['DYN365_ENTERPRISE_PLAN1'],
    });
    expect(JSON.stringify(snapshot)).not.toMatch(/hash|scrypt|hmac/i);
  });

  it('reports blocked and deleted users', async () => {
    const feed = system.running.directory.feed;
    const created = (await call('POST', '/directory/users', {
      userPrincipalName: 'feed.two@contoso.com',
      displayName: 'Feed Two',
    })) as { id: string };
    const afterCreate = await feed.latestCursor();
    await call('PATCH', `/directory/users/${created.id}`, { signInAllowed: false });
    const blocked = await feed.readChanges(afterCreate, 100);
    expect(blocked.map((c) => c.userId)).toContain(created.id);
    expect(((await feed.snapshots([created.id]))[0] as UserSnapshot).signInAllowed).toBe(false);

    await call('DELETE', `/directory/users/${created.id}`);
    expect(await feed.snapshots([created.id])).toEqual([{ id: created.id, deleted: true }]);
    expect((await feed.readChanges(afterCreate, 100)).length).toBeGreaterThanOrEqual(2);
  });

  it('pages through every user for a full load', async () => {
    const feed = system.running.directory.feed;
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await feed.readAllUsers(after, 1);
      if (page.length === 0) break;
      seen.push(page[0]!.userPrincipalName);
      after = page[0]!.id;
    }
    expect(seen).toContain(system.admin.upn);
    expect(seen).toContain('feed.one@contoso.com');
    expect(new Set(seen).size).toBe(seen.length);
  });
});
