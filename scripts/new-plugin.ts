// `npm run new-plugin <id>`: a working plugin skeleton in plugins/<id>/ — events, an
// aggregate with decide/evolve, a migration, an inline projection, a page, a README
// and a spec — to grow from. Enable it with CAIRN_PLUGINS=notes,<id>.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PLUGIN_ID_PATTERN } from '../core/plugins/define-plugin.ts';

export function scaffoldPlugin(id: string, root = resolve(import.meta.dirname, '..')): string[] {
  if (!PLUGIN_ID_PATTERN.test(id)) throw new Error(`plugin id must match ${PLUGIN_ID_PATTERN} (lowercase letters, digits, dashes)`);
  if (['core', 'identity', 'notes'].includes(id)) throw new Error(`"${id}" is taken`);
  const dir = join(root, 'plugins', id);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  const table = `${id.replace(/-/g, '_')}_items`;
  const Title = id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const files: Record<string, string> = {
    'index.ts': `import { definePlugin } from '../../core/plugins/define-plugin.ts';
import { ${camel(id)}Events } from './events.ts';
import { createItems } from './migrations/0001_items.ts';
import { itemsProjection } from './projections/items.ts';
import { ${camel(id)}Routes } from './routes/${id}-routes.tsx';

export default definePlugin({
  id: '${id}',
  version: '0.1.0',
  description: '${Title}: describe what it does.',
  needs: ['db', 'events'],
  register(r) {
    r.events(${camel(id)}Events);
    r.migrations([createItems]);
    r.projection(itemsProjection);
    r.nav({ label: '${Title}', href: '/${id}', order: 80 });
    r.app(${camel(id)}Routes(() => r.services()));
  },
});
`,
    'events.ts': `import { z } from 'zod';

export const ${camel(id)}Events = {
  '${id}.ItemAdded': z.object({ itemId: z.string(), owner: z.string(), text: z.string().min(1).max(500) }),
  '${id}.ItemRemoved': z.object({ itemId: z.string() }),
};

export const itemStream = (owner: string, itemId: string) => \`${id}-item:\${owner}/\${itemId}\`;
`,
    'item/item.ts': `// The item aggregate: state + evolve, and one decide per command (pure).
import type { Decider } from '../../../core/events/handle-command.ts';
import type { NewEvent, StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';

export type ItemState = { owner: string; text: string; removed: boolean } | undefined;
export type ItemCommand = { type: 'add'; itemId: string; owner: string; text: string } | { type: 'remove' };

export function evolve(state: ItemState, e: StoredEvent): ItemState {
  if (e.type === '${id}.ItemAdded') { const d = e.data as { owner: string; text: string }; return { owner: d.owner, text: d.text, removed: false }; }
  if (e.type === '${id}.ItemRemoved' && state) return { ...state, removed: true };
  return state;
}

export function decide(c: ItemCommand, s: ItemState): NewEvent[] {
  if (c.type === 'add') {
    if (s) throw new ConflictError('that item exists');
    const text = c.text.trim();
    if (!text) throw new ValidationError('write something');
    return [{ type: '${id}.ItemAdded', data: { itemId: c.itemId, owner: c.owner, text } }];
  }
  if (!s || s.removed) throw new NotFoundError('no such item');
  return [{ type: '${id}.ItemRemoved', data: { itemId: 'itemId' in c ? String(c.itemId) : '' } }];
}

export const itemDecider: Decider<ItemState, ItemCommand> = { initialState: () => undefined, evolve, decide: (c, s) => decide(c, s) };
`,
    'migrations/0001_items.ts': `import type { Migration } from '../../../core/db/migrations.ts';

export const createItems: Migration = {
  name: '0001_items',
  async up(db) {
    await db.schema.createTable('${table}')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .execute();
  },
};
`,
    'projections/items.ts': `import { defineProjection } from '../../../core/projections/types.ts';

export const itemsProjection = defineProjection({
  name: '${id}.items',
  version: 1,
  handles: ['${id}.ItemAdded', '${id}.ItemRemoved'],
  async handle(e, db) {
    const d = e.data as { itemId: string; owner?: string; text?: string };
    if (e.type === '${id}.ItemAdded') await db.insertInto('${table}').values({ id: d.itemId, owner: d.owner!, text: d.text!, added_at: e.metadata.time }).execute();
    else await db.deleteFrom('${table}').where('id', '=', d.itemId).execute();
  },
  async truncate(db) { await db.deleteFrom('${table}').execute(); },
});
`,
    [`routes/${id}-routes.tsx`]: `import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { EventLog } from '../../../core/events/event-log.ts';
import { handleCommand } from '../../../core/events/handle-command.ts';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { newId } from '../../../core/ids.ts';
import { Button, Card, CsrfField, FormField } from '../../../ui/components/index.ts';
import { itemStream } from '../events.ts';
import { itemDecider } from '../item/item.ts';

export function ${camel(id)}Routes(services: () => { db: Kysely<any>; events: EventLog }) {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  app.get('/', async (c) => {
    const items = await services().db.selectFrom('${table}').selectAll().where('owner', '=', c.var.user!.id).orderBy('added_at').execute();
    return c.render(
      <Card title="${Title}">
        <ul class="list">{items.map((i) => <li>{i.text as string}</li>)}</ul>
        <form method="post" action="/${id}" class="stack">
          <CsrfField token={c.var.csrfToken} />
          <FormField label="New item" name="text" required />
          <Button>Add</Button>
        </form>
      </Card>,
      { title: '${Title}' },
    );
  });
  app.post('/', async (c) => {
    const form = await c.req.parseBody();
    const owner = c.var.user!.id;
    const itemId = newId();
    await handleCommand(services().events, itemStream(owner, itemId), itemDecider, { type: 'add', itemId, owner, text: String(form.text ?? '') }, {
      metadata: { actor: owner, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() },
    });
    return c.redirect('/${id}', 303);
  });
  return app;
}
`,
    [`${id}.int.spec.ts`]: `import { describe, expect, it } from 'vitest';
import { createTestAppliance } from '../../core/testing/test-appliance.ts';
import plugin from './index.ts';

describe('${id} plugin', () => {
  it('adds an item through its command and shows it from its read model', async () => {
    const a = await createTestAppliance({ pluginDefs: [plugin] });
    try {
      const owner = (await a.identity.listUsers())[0]!;
      await a.log.append(\`${id}-item:\${owner.id}/i1\`, 'no-stream', [{ type: '${id}.ItemAdded', data: { itemId: 'i1', owner: owner.id, text: 'first' } }], {
        metadata: { actor: owner.id, source: 'system', time: new Date().toISOString() },
      });
      const rows = await a.db.kysely.selectFrom('${table}').selectAll().execute();
      expect(rows.map((r) => r.text)).toEqual(['first']);
    } finally { await a.close(); }
  });
});
`,
    'README.md': `# ${id}

${Title}: describe what it does.

## Events
| type | stream | data |
|---|---|---|
| \`${id}.ItemAdded\` | \`${id}-item:<owner>/<itemId>\` | itemId, owner, text |
| \`${id}.ItemRemoved\` | same | itemId |

## Commands
add (item/item.ts), remove.

## Read models
\`${table}\` (projection \`${id}.items\`, inline).

## Limits
Item text: 1–500 characters.
`,
  };
  const written: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  }
  return written;
}

function camel(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const id = process.argv[2];
  if (!id) { console.error('usage: npm run new-plugin <id>'); process.exit(2); }
  try {
    for (const f of scaffoldPlugin(id)) console.log(`created ${f}`);
    console.log(`\nEnable it: CAIRN_PLUGINS=notes,${id} npm start   (or "plugins" in the CAIRN_CONFIG file)`);
  } catch (e) { console.error(`new-plugin: ${(e as Error).message}`); process.exit(1); }
}
