// With the drive enabled, a chat attachment is also filed in the uploader's drive,
// in "Chat files" (two uploads of the same name are both kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import { signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive', 'chat'] });
  alice = await signIn(a, 'alice@example.test');
  await alice.client.page('/chat');
});
afterAll(async () => { await a?.close(); });

describe('chat attachments in the drive', () => {
  it('files each upload in the uploader\'s "Chat files"', async () => {
    const channel = (await alice.json('GET', '/chat/api/channels')).body.channels.find((c: { name: string }) => c.name === 'general');
    const upload = async (body: string) => {
      const headers = { ...alice.client.headers({}), 'X-CSRF-Token': alice.client.csrfToken, 'Content-Type': 'text/plain', Accept: 'application/json' };
      return a.app.request(`http://example.test/chat/api/channels/${channel.id}/files?name=notes.txt`, { method: 'POST', headers, body });
    };
    expect((await upload('first version')).status).toBe(201);
    expect((await upload('second version')).status).toBe(201);
    const drive = a.services.services.require<{ personalDrive(u: unknown, m: unknown): Promise<{ drive_id: string }>; queries: { children(d: string, p: string): Promise<{ node_id: string; name: string; kind: string }[]> } }>('drive.service');
    const user = (await a.auth.userById(alice.userId))!;
    const d = await drive.personalDrive(user, { actor: user.id, source: 'ui', time: new Date().toISOString() });
    const folder = (await drive.queries.children(d.drive_id, '')).find((n) => n.name === 'Chat files' && n.kind === 'folder');
    expect(folder).toBeDefined();
    expect((await drive.queries.children(d.drive_id, folder!.node_id)).map((n) => n.name).sort()).toEqual(['notes (2).txt', 'notes.txt']);
  });
});
