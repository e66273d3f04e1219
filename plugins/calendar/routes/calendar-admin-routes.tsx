// /calendar/calendars/…: making a calendar, its page (name and color, sharing, the
// public link, import and export, restore and recently deleted), and deleting it.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ValidationError } from '../../../core/errors.ts';
import type { CairnEnv } from '../../../core/http/env.ts';
import type { Principal, Right } from '../../../core/identity/auth-service.ts';
import { MAX_IMPORT_BYTES, type CalendarService } from '../calendar-service.ts';
import { CalendarManagePage, NewCalendarPage, type ManageProps } from '../views/calendar-manage-page.tsx';
import { restorePointFromForm } from '../../../core/restore/restore-point.ts';
import { colorsVersion, flashFrom, metadata, statusOf, str, userError, userOf, type DoneKey } from './route-kit.ts';

type Extra = Partial<Pick<ManageProps, 'flash' | 'preview' | 'importResult'>>;

export function calendarAdminRoutes(service: () => CalendarService, deps: { publicBase: () => string; groups: () => Promise<{ id: string; name: string; members: string[] }[]> }): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();

  const page = async (c: Context<CairnEnv>, id: string, extra: Extra = {}, status: 200 | 400 | 403 | 404 | 409 | 412 | 413 = 200) => {
    const user = userOf(c);
    const cal = await service().getCalendar(user, id);
    const canShare = cal.right === 'owner' || cal.right === 'share';
    const [shares, groups, deleted, cals] = await Promise.all([
      canShare ? service().listShares(user, id) : Promise.resolve(undefined),
      canShare ? deps.groups() : Promise.resolve([]),
      cal.right === 'read' ? Promise.resolve([]) : service().recentlyDeleted(user, [id]),
      service().listCalendars(user),
    ]);
    const slug = cal.shared ? `shared-${cal.id}` : cal.slug;
    c.status(status);
    return c.render(
      <CalendarManagePage
        cal={cal} csrfToken={c.var.csrfToken} colorsVersion={colorsVersion(cals)} shares={shares} groups={groups} deleted={deleted}
        publicUrl={cal.right === 'owner' && cal.publicToken ? `${deps.publicBase()}/calendar/public/${cal.publicToken}.ics` : undefined}
        davUrl={`${deps.publicBase()}/dav/calendars/${user.email}/${slug}/`}
        flash={extra.flash ?? flashFrom(c)} preview={extra.preview} importResult={extra.importResult}
      />,
      { title: cal.displayName },
    );
  };
  const act = async (c: Context<CairnEnv>, id: string, fn: () => Promise<unknown>, done: DoneKey, to?: string) => {
    try {
      await fn();
      return c.redirect(`${to ?? `/calendar/calendars/${id}`}?done=${done}`, 303);
    } catch (e) {
      const err = userError(e);
      return page(c, id, { flash: { kind: 'error', text: err.message } }, statusOf(err));
    }
  };

  app.get('/new', async (c) => c.render(<NewCalendarPage csrfToken={c.var.csrfToken} colorsVersion={colorsVersion(await service().listCalendars(userOf(c)))} />, { title: 'New calendar' }));
  app.post('/', async (c) => {
    const f = await c.req.parseBody();
    const holds = str(f.holds);
    try {
      const cal = await service().createCalendar(userOf(c), {
        displayName: str(f.displayName), color: str(f.color) || '#3a7bd5',
        components: holds === 'events' ? ['VEVENT'] : holds === 'tasks' ? ['VTODO'] : ['VEVENT', 'VTODO'],
      }, metadata(c));
      return c.redirect(`/calendar/calendars/${cal.id}?done=calendarCreated`, 303);
    } catch (e) {
      const err = userError(e);
      c.status(statusOf(err));
      return c.render(<NewCalendarPage csrfToken={c.var.csrfToken} colorsVersion="0" flash={{ kind: 'error', text: err.message }} />, { title: 'New calendar' });
    }
  });

  app.get('/:id', (c) => page(c, c.req.param('id')));
  app.post('/:id', async (c) => {
    const id = c.req.param('id');
    const f = await c.req.parseBody();
    return act(c, id, () => service().updateCalendar(userOf(c), id, { displayName: str(f.displayName), color: str(f.color), description: str(f.description) }, metadata(c)), 'calendarSaved');
  });
  app.post('/:id/delete', (c) => act(c, c.req.param('id'), () => service().deleteCalendar(userOf(c), c.req.param('id'), metadata(c)), 'calendarDeleted', '/calendar'));
  app.post('/:id/undelete', async (c) => {
    await service().undeleteCalendar(userOf(c), c.req.param('id'), metadata(c));
    return c.redirect('/calendar?done=calendarRestored', 303);
  });

  // Sharing: a person by email, a group, or the organization; the right is replaced when shared again.
  const principalOf = async (f: Record<string, unknown>): Promise<Principal> => {
    const kind = str(f.kind);
    if (kind === 'org') return { kind: 'org' };
    if (kind === 'group') {
      const id = str(f.principalId) || str(f.groupId);
      // A grant to a group that no longer exists can still be revoked by its id.
      if (!str(f.principalId) && !(await deps.groups()).some((g) => g.id === id)) throw new ValidationError('choose a group');
      return { kind: 'group', id };
    }
    if (str(f.principalId)) return { kind: 'user', id: str(f.principalId) };
    const email = str(f.email).trim().toLowerCase();
    const user = email ? await service().userByEmail(email) : undefined;
    if (!user) throw new ValidationError(email ? `nobody here has the address ${email}` : 'enter the email address of the person to share with');
    return { kind: 'user', id: user.id };
  };
  const rightOf = (v: string): Right => {
    if (v === 'read' || v === 'write' || v === 'share') return v;
    throw new ValidationError('choose what they can do');
  };
  app.post('/:id/share', async (c) => {
    const id = c.req.param('id');
    const f = await c.req.parseBody();
    return act(c, id, async () => service().share(userOf(c), id, await principalOf(f), rightOf(str(f.right)), metadata(c)), 'shared');
  });
  app.post('/:id/unshare', async (c) => {
    const id = c.req.param('id');
    const f = await c.req.parseBody();
    return act(c, id, async () => service().unshare(userOf(c), id, await principalOf(f), metadata(c)), 'shared');
  });

  app.post('/:id/link', async (c) => {
    const id = c.req.param('id');
    const action = str((await c.req.parseBody()).action);
    if (action === 'off') return act(c, id, () => service().disablePublicLink(userOf(c), id, metadata(c)), 'linkOff');
    return act(c, id, () => service().enablePublicLink(userOf(c), id, metadata(c), { regenerate: action === 'regenerate' }), 'linkOn');
  });

  app.get('/:id/export', async (c) => {
    const { filename, body } = await service().exportIcs(userOf(c), c.req.param('id'));
    return c.body(body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"` });
  });
  // The file is read whole: refuse bodies beyond the import limit before buffering them.
  const importLimit = bodyLimit({
    maxSize: MAX_IMPORT_BYTES + 64 * 1024,
    onError: (c) => page(c as Context<CairnEnv>, c.req.param('id')!, { flash: { kind: 'error', text: `an import file may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB` } }, 413),
  });
  app.post('/:id/import', importLimit, async (c) => {
    const id = c.req.param('id');
    try {
      const f = await c.req.parseBody();
      const file = f.file;
      if (!(file instanceof File) || file.size === 0) throw new ValidationError('choose an .ics file to import');
      const result = await service().importIcs(userOf(c), id, await file.text(), metadata(c));
      return page(c, id, { importResult: result });
    } catch (e) {
      const err = userError(e);
      return page(c, id, { flash: { kind: 'error', text: err.message } }, statusOf(err));
    }
  });

  app.get('/:id/restore', async (c) => {
    const id = c.req.param('id');
    try {
      const { point, iso } = restorePointFromForm(c.req.query('preset'), c.req.query('at') || undefined);
      const summary = await service().previewRestore(userOf(c), id, point, metadata(c));
      return page(c, id, { preview: { at: iso, label: iso.replace('T', ' ').slice(0, 19) + ' UTC', summary } });
    } catch (e) {
      const err = userError(e);
      return page(c, id, { flash: { kind: 'error', text: err.message } }, statusOf(err));
    }
  });
  app.post('/:id/restore', async (c) => {
    const id = c.req.param('id');
    const f = await c.req.parseBody();
    return act(c, id, async () => service().restore(userOf(c), id, restorePointFromForm(undefined, str(f.at)).point, metadata(c)), 'calendarRestored');
  });
  app.post('/:id/undelete/:objectId', (c) => act(c, c.req.param('id'), () => service().undeleteObject(userOf(c), c.req.param('id'), c.req.param('objectId'), metadata(c)), 'undeleted'));
  return app;
}
