import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { isCairnError } from '../../../core/errors.ts';
import { restorePointFromForm } from '../../../core/restore/restore-point.ts';
import type { NotesService } from '../notes-service.ts';
import { NotesPage, type NotesPageProps } from '../views/notes-page.tsx';

function metadata(c: Context<CairnEnv>): EventMetadata {
  return { actor: c.var.user!.id, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

const DONE = {
  added: 'Note added',
  saved: 'Note saved',
  deleted: 'Note deleted — find it under “Recently deleted”',
  undeleted: 'Note restored',
  restored: 'Notes restored',
} as const;

export function notesRoutes(service: () => NotesService): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);

  const page = async (c: Context<CairnEnv>, extra: Partial<NotesPageProps> = {}, status: 200 | 400 | 404 | 409 = 200) => {
    const owner = c.var.user!.id;
    const [notes, deleted] = await Promise.all([service().list(owner), service().list(owner, { deleted: true })]);
    c.status(status);
    return c.render(<NotesPage notes={notes} deleted={deleted} csrfToken={c.var.csrfToken} {...extra} />, { title: 'Notes' });
  };
  // Commands answer with the page and a flash when they fail, a redirect when they succeed.
  const act = async (c: Context<CairnEnv>, fn: () => Promise<unknown>, done: keyof typeof DONE) => {
    try {
      await fn();
      return c.redirect(`/notes?done=${encodeURIComponent(done)}`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return page(c, { flash: { kind: 'error', text: e.message } }, e.status === 404 ? 404 : e.status === 409 ? 409 : 400);
    }
  };

  app.get('/', (c) => {
    // Only known keys: a crafted link must not be able to put its own words on the page.
    const text = DONE[c.req.query('done') as keyof typeof DONE];
    return page(c, text ? { flash: { kind: 'success', text } } : {});
  });
  app.post('/', async (c) => {
    const f = await c.req.parseBody();
    return act(c, () => service().create(c.var.user!.id, { title: String(f.title ?? ''), body: String(f.body ?? '') }, metadata(c)), 'added');
  });
  app.get('/restore', async (c) => {
    try {
      const { point, iso } = restorePointFromForm(c.req.query('preset'), c.req.query('at') || undefined);
      const summary = await service().previewRestore(c.var.user!.id, point, metadata(c));
      return page(c, { preview: { at: iso, label: iso.replace('T', ' ').slice(0, 19) + ' UTC', summary } });
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return page(c, { flash: { kind: 'error', text: e.message } }, 400);
    }
  });
  app.post('/restore', async (c) => {
    const f = await c.req.parseBody();
    return act(c, async () => {
      const { point } = restorePointFromForm(undefined, String(f.at ?? ''));
      await service().restore(c.var.user!.id, point, metadata(c));
    }, 'restored');
  });
  app.post('/:id', async (c) => {
    const f = await c.req.parseBody();
    return act(c, () => service().edit(c.var.user!.id, c.req.param('id'), { title: String(f.title ?? ''), body: String(f.body ?? '') }, metadata(c)), 'saved');
  });
  app.post('/:id/delete', (c) => act(c, () => service().remove(c.var.user!.id, c.req.param('id'), metadata(c)), 'deleted'));
  app.post('/:id/undelete', (c) => act(c, () => service().undelete(c.var.user!.id, c.req.param('id'), metadata(c)), 'undeleted'));
  return app;
}
