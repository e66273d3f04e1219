// The browser app: pages render, forms work without script, guests see no browse page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAppliance, signIn, type App, type ChatClient } from '../testing/chat-fixture.ts';

let a: App;
let alice: ChatClient;
let bob: ChatClient;
let generalId: string;

beforeAll(async () => {
  a = await chatAppliance();
  alice = await signIn(a, 'alice@example.test');
  bob = await signIn(a, 'bob@example.test');
  const first = await alice.client.get('/chat');
  expect(first.status).toBe(302);
  generalId = first.headers.get('location')!.split('/').pop()!;
  await bob.client.get('/chat');
});
afterAll(() => a.close());

describe('chat pages', () => {
  it('sends signed-out visitors to the login page', async () => {
    const { TestClient } = await import('../../../core/http/test-client.ts');
    const res = await new TestClient(a.app, 'http://example.test').get('/chat');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fchat');
  });

  it('shows the channel with sidebar, composer and the plugin’s own script and styles', async () => {
    const html = await alice.client.page(`/chat/c/${generalId}`);
    expect(html).toMatch(/<script src="\/chat\/static\/chat\.js\?v=[0-9a-f]{12}" defer/);
    expect(html).toContain('class="composer"');
    expect(html).toContain('data-channel="' + generalId + '"');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script (CSP)
    const js = await alice.client.get('/chat/static/chat.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
  });

  it('posts through the no-script form, shows unread badges and marks read on open', async () => {
    await alice.client.page(`/chat/c/${generalId}`);
    expect((await alice.client.post(`/chat/c/${generalId}/post`, { text: 'Hello from the form, @bob' })).status).toBe(303);
    const side = await bob.client.page('/chat/people');
    expect(side).toMatch(/data-mentions="1"/);
    const page = await bob.client.page(`/chat/c/${generalId}`);
    expect(page).toContain('Hello from the form');
    expect(page).toContain('class="mention"');
    expect(await bob.client.page('/chat/people')).not.toMatch(/data-mentions="1"/);
  });

  it('loads older messages as an htmx fragment', async () => {
    for (let i = 0; i < 55; i++) await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: `bulk ${i}` });
    const html = await alice.client.page(`/chat/c/${generalId}`);
    const m = /hx-get="(\/chat\/c\/[^"]+\/older\?before=\d+)"/.exec(html);
    expect(m).not.toBeNull();
    const frag = await (await alice.client.get(m![1]!.replace(/&amp;/g, '&'), { htmx: true })).text();
    expect(frag).toContain('Hello from the form');
    expect(frag).not.toContain('<html');
  });

  it('opens a thread panel and replies in it', async () => {
    const root = (await alice.json('POST', `/chat/api/channels/${generalId}/messages`, { text: 'thread root' })).body;
    await bob.client.page(`/chat/c/${generalId}/t/${root.id}`);
    expect((await bob.client.post(`/chat/c/${generalId}/post`, { text: 'reply via form', rootId: root.id })).status).toBe(303);
    const html = await bob.client.page(`/chat/c/${generalId}/t/${root.id}`);
    expect(html).toMatch(/class="chat-thread"[\s\S]*reply via form/);
  });

  it('renders browse, people, search and status forms', async () => {
    expect(await alice.client.page('/chat/browse')).toContain('Create a channel');
    expect(await alice.client.page('/chat/people')).toContain('bob@example.test'.split('@')[0]);
    await a.projections.settle();
    expect(await alice.client.page('/chat/search?q=thread')).toContain('thread root');
    await alice.client.page('/chat/browse');
    expect((await alice.client.post('/chat/status', { presence: 'dnd', text: 'Focus time', emoji: '🎧', expires: '1h' })).status).toBe(303);
    const html = await alice.client.page(`/chat/c/${generalId}`);
    expect(html).toContain('Focus time');
    expect(html).toContain('presence-dnd');
  });
});
