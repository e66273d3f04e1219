import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createTestAppliance, type TestAppliance } from '../../../core/testing/test-appliance.ts';

const sys = { actor: 'system', source: 'system' } as const;
let a: TestAppliance & { close(): Promise<void> };
let alice: TestClient;
let bob: TestClient;

beforeAll(async () => {
  a = await createTestAppliance();
  await a.identity.addUser({ email: 'alice@example.test', password: 'alice password 123' }, sys);
  await a.identity.addUser({ email: 'bob@example.test', password: 'bob password 1234' }, sys);
  alice = new TestClient(a.app, 'http://example.test');
  bob = new TestClient(a.app, 'http://example.test');
  expect((await alice.login('alice@example.test', 'alice password 123')).status).toBe(303);
  expect((await bob.login('bob@example.test', 'bob password 1234')).status).toBe(303);
});
afterAll(() => a.close());

const noteIds = (html: string) => [...html.matchAll(/data-note-id="([^"]+)"/g)].map((m) => m[1]!);

describe('notes pages', () => {
  it('shows only its own success messages, never text from the link', async () => {
    const html = await alice.page('/notes?done=Your%20account%20is%20locked%2C%20call%20us');
    expect(html).not.toContain('account is locked');
    expect(await alice.page('/notes?done=added')).toContain('Note added');
  });

  it('sends signed-out visitors to the login page', async () => {
    const res = await new TestClient(a.app, 'http://example.test').get('/notes');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fnotes');
  });

  it('adds, edits and deletes notes, and refuses a post without the CSRF token', async () => {
    await alice.page('/notes');
    expect((await alice.post('/notes', { title: 'Groceries', body: 'milk' }, { noCsrf: true })).status).toBe(403);
    expect((await alice.post('/notes', { title: 'Groceries', body: 'milk' })).status).toBe(303);
    let html = await alice.page('/notes');
    expect(html).toContain('Groceries');
    const [id] = noteIds(html);
    expect((await alice.post(`/notes/${id}`, { title: 'Groceries', body: 'milk and eggs' })).status).toBe(303);
    expect(await alice.page('/notes')).toContain('milk and eggs');
    const empty = await alice.post('/notes', { title: '   ', body: '' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('a note needs a title');
    expect((await alice.post(`/notes/${id}/delete`)).status).toBe(303);
    html = await alice.page('/notes');
    expect(noteIds(html)).toEqual([]);
    expect(html).toMatch(/Recently deleted[\s\S]*Groceries/);
    expect((await alice.post(`/notes/${id}/undelete`)).status).toBe(303);
    expect(noteIds(await alice.page('/notes'))).toEqual([id]);
  });

  it("keeps each user's notes to themselves, also when guessing ids", async () => {
    await alice.page('/notes');
    await alice.post('/notes', { title: 'Alice private', body: 'secret' });
    const id = noteIds(await alice.page('/notes'))[0]!;
    const html = await bob.page('/notes');
    expect(html).not.toContain('Alice private');
    expect((await bob.post(`/notes/${id}`, { title: 'pwned', body: '' })).status).toBe(404);
    expect((await bob.post(`/notes/${id}/delete`)).status).toBe(303); // nothing of bob's to delete: no-op
    expect(await alice.page('/notes')).toContain('Alice private');
  });

  it('previews and restores the notebook as it was at a chosen moment', async () => {
    await bob.page('/notes');
    await bob.post('/notes', { title: 'Keep me', body: 'v1' });
    const keep = noteIds(await bob.page('/notes'))[0]!;
    await new Promise((r) => setTimeout(r, 1100)); // the form's time has second precision
    const at = new Date().toISOString().slice(0, 19);
    await new Promise((r) => setTimeout(r, 1100));
    await bob.post(`/notes/${keep}`, { title: 'Keep me', body: 'v2 — ruined' });
    await bob.post(`/notes/${keep}/delete`);
    await bob.post('/notes', { title: 'Made later', body: '' });
    const preview = await bob.page(`/notes/restore?at=${encodeURIComponent(at)}`);
    expect(preview).toMatch(/bring back <strong>Keep me<\/strong>/);
    expect(preview).toMatch(/remove <strong>Made later<\/strong>/);
    expect((await bob.post('/notes/restore', { at: `${at}.000Z` })).status).toBe(303);
    const after = await bob.page('/notes');
    expect(after).toContain('v1');
    const [active, recentlyDeleted] = after.split('Recently deleted');
    expect(active).not.toContain('Made later');
    expect(recentlyDeleted).toContain('Made later');
    expect(noteIds(after)).toEqual([keep]);
    // Outside the retention window: a clear error, nothing changed.
    const old = await bob.get(`/notes/restore?at=2020-01-01T00:00:00`);
    expect(old.status).toBe(400);
    expect(await old.text()).toContain('outside the 30-day retention window');
  });
});
