// Child process for the kill -9 test: appends forever from many concurrent writers and
// prints each append's id only after the append resolved (= acknowledged durable).
import { sql } from 'kysely';
import { z } from 'zod';
import { eventLogKit, meta } from '../../core/testing/event-log-kit.ts';

const path = process.argv[2]!;
const WRITERS = 32;
const k = await eventLogKit({ path, types: { 'test.Acked': z.object({ id: z.string(), pad: z.string() }) } });
await sql`create table if not exists test_count (id integer primary key, n integer not null)`.execute(k.db.kysely);
k.projections.add('test', {
  name: 'test.count', version: 1, handles: ['test.Acked'],
  async handle(_e, db) { await sql`insert into test_count (id, n) values (1, 1) on conflict(id) do update set n = n + 1`.execute(db); },
  async truncate(db) { await sql`delete from test_count`.execute(db); },
});
await k.projections.prepare();
const run = Math.random().toString(36).slice(2, 8);
process.stdout.write('ready\n');
let seq = 0;
await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
  for (;;) {
    const id = `${run}-${w}-${seq++}`;
    await k.log.append(`test-writer:${run}-${w}`, 'any', [{ type: 'test.Acked', data: { id, pad: 'x'.repeat(200) } }], { metadata: meta() });
    process.stdout.write(`${id}\n`);
  }
}));
