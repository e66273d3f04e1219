// File attachments: upload, attach, download by members only, own uploads only, safe serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let eve: ChatClient;
let channelId: string;

const upload = async (u: ChatClient, name: string, type: string, body: string | Uint8Array) => {
  const headers = { ...u.client.headers({}), 'X-CSRF-Token': u.client.csrfToken, 'Content-Type': type, Accept: 'application/json' };
  const res = await a.app.request(`http://example.test/chat/api/channels/${channelId}/files?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body: typeof body === 'string' ? body : Buffer.from(body) });
  return { status: res.status, body: await res.json() as any };
};
const download = (u: ChatClient, url: string) => u.client.get(url);

beforeAll(async () => {
  a = await chatAppliance();
  alice = await signIn(a, 'alice@example.test');
  bob = await signIn(a, 'bob@example.test');
  eve = await signIn(a, 'eve@example.test');
  for (const u of [alice, bob, eve]) await u.client.get('/chat');
  const teamId = (await alice.json('GET', '/chat/api/teams')).body.teams[0].id;
  channelId = (await alice.json('POST', '/chat/api/channels', { teamId, name: 'files', kind: 'private' })).body.id;
  await alice.json('POST', `/chat/api/channels/${channelId}/members`, { userIds: [bob.userId] });
});
afterAll(() => a.close());

describe('file attachments', () => {
  it('uploads, attaches and serves files to members only', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const up1 = await upload(alice, 'photo.png', 'image/png', png);
    const up2 = await upload(alice, 'notes/../x.svg', 'image/svg+xml', '<svg onload="alert(1)"/>');
    expect(up1.status).toBe(201);
    expect(up2.body.name).toBe('notes_.._x.svg');
    const posted = await alice.json('POST', `/chat/api/channels/${channelId}/messages`, { text: '', files: [up1.body.sha256, up2.body.sha256] });
    expect(posted.status).toBe(201);
    expect(posted.body.attachments.map((f: { name: string; image: boolean }) => [f.name, f.image])).toEqual([['photo.png', true], ['notes_.._x.svg', false]]);

    const img = await download(bob, posted.body.attachments[0].url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(png);
    const svg = await download(bob, posted.body.attachments[1].url);
    expect(svg.headers.get('content-type')).toBe('application/octet-stream');
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(svg.headers.get('content-security-policy')).toContain('sandbox');

    expect((await download(eve, posted.body.attachments[0].url)).status).toBe(404);
  });

  it('attaches only what the author uploaded', async () => {
    const up = await upload(alice, 'secret.txt', 'text/plain', 'top secret');
    expect((await bob.json('POST', `/chat/api/channels/${channelId}/messages`, { text: 'mine now', files: [up.body.sha256] })).status).toBe(400);
    expect((await eve.json('POST', `/chat/api/channels/${channelId}/files?name=x`, {})).status).toBe(404);
  });

  it('stops serving the files of a deleted message and keeps them for restore', async () => {
    const up = await upload(bob, 'report.pdf', 'application/pdf', '%PDF-1.4 test');
    const m = (await bob.json('POST', `/chat/api/channels/${channelId}/messages`, { text: 'the report', files: [up.body.sha256] })).body;
    const url = m.attachments[0].url;
    await bob.json('DELETE', `/chat/api/messages/${m.id}`);
    expect((await download(alice, url)).status).toBe(404);
    expect(await a.blobs.has(up.body.sha256)).toBe(true);
  });
});
