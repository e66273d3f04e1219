import { Button, Card, CsrfField, FormField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { GroupInfo } from '../../../core/identity/identity-api.ts';
import type { CalendarRestoreSummary, CalendarView, ObjectInfo, ShareInfo } from '../calendar-service.ts';
import { CalendarAssets } from './calendar-shell.tsx';

export interface ManageProps {
  cal: CalendarView;
  csrfToken: string;
  colorsVersion: string;
  flash?: FlashMessage | undefined;
  shares: ShareInfo[] | undefined;
  groups: GroupInfo[];
  publicUrl: string | undefined;
  davUrl: string;
  deleted: ObjectInfo[];
  preview?: { at: string; label: string; summary: CalendarRestoreSummary } | undefined;
  importResult?: { imported: number; skipped: string[]; failed: { uid: string; reason: string }[] } | undefined;
}

const RIGHTS: [string, string][] = [['read', 'Can view'], ['write', 'Can modify'], ['share', 'Can modify and share']];
const PRESETS: [string, string][] = [['24h', '24 hours ago'], ['48h', '48 hours ago'], ['7d', '7 days ago'], ['30d', '30 days ago']];
const RANK = { read: 1, write: 2, share: 3, owner: 4 } as const;
const utc = (iso: string) => `${new Date(iso).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

export function CalendarManagePage(p: ManageProps) {
  const { cal } = p;
  const base = `/calendar/calendars/${cal.id}`;
  const canWrite = RANK[cal.right] >= RANK.write;
  const canShare = RANK[cal.right] >= RANK.share;
  const owner = cal.right === 'owner';
  const s = p.preview?.summary;
  // Only the owner may let others share further (CalendarService.share enforces it too).
  const rights = owner ? RIGHTS : RIGHTS.filter(([v]) => v !== 'share');
  return (
    <div class="stack" id="calendar-manage" data-calendar-id={cal.id}>
      <CalendarAssets colorsVersion={p.colorsVersion} />
      <p><a href="/calendar">← Back to the calendar</a></p>
      <h1><span class={`swatch cal-${cal.id}`} aria-hidden="true"></span> {cal.displayName}</h1>
      <MaybeFlash message={p.flash} />
      {p.importResult ? (
        <div class="flash flash-info" id="import-result">
          <p>Imported {p.importResult.imported} item{p.importResult.imported === 1 ? '' : 's'}.</p>
          {p.importResult.skipped.length > 0 ? <p>Skipped: {p.importResult.skipped.slice(0, 20).join(', ')}{p.importResult.skipped.length > 20 ? '…' : ''}</p> : null}
          {p.importResult.failed.length > 0 ? <ul>{p.importResult.failed.slice(0, 20).map((f) => <li>{f.uid}: {f.reason}</li>)}</ul> : null}
        </div>
      ) : null}
      {canWrite ? (
        <Card title="Calendar">
          <form method="post" action={base} class="stack">
            <CsrfField token={p.csrfToken} />
            <FormField label="Name" name="displayName" value={cal.displayName} required maxlength={200} />
            <div class="field"><label for="color">Color</label><input type="color" id="color" name="color" value={cal.color.slice(0, 7) || '#1f5a55'} /></div>
            <div class="field"><label for="description">Description</label><textarea id="description" name="description" rows={2}>{cal.description}</textarea></div>
            <div class="form-actions"><Button>Save</Button></div>
          </form>
        </Card>
      ) : <p class="muted">Shared with you: you can view this calendar.</p>}

      {canShare && p.shares ? (
        <Card title="Sharing" id="sharing" description="People you share with see it under “Shared with you” and can add it to their list and their devices.">
          {p.shares.length === 0 ? <p class="muted">Not shared.</p> : (
            <ul class="share-list">
              {p.shares.map((g) => {
                const kind = g.principal.kind;
                const id = kind === 'org' ? '' : (g.principal as { id: string }).id;
                return (
                  <li data-share={`${kind}:${id}`}>
                    <span>{g.label}</span>
                    <form method="post" action={`${base}/share`}>
                      <CsrfField token={p.csrfToken} />
                      <input type="hidden" name="kind" value={kind} />
                      <input type="hidden" name="principalId" value={id} />
                      <label class="visually-hidden" for={`right-${kind}-${id}`}>Right</label>
                      <select id={`right-${kind}-${id}`} name="right">{RIGHTS.filter(([v]) => owner || v !== 'share' || v === g.right).map(([v, l]) => <option value={v} selected={v === g.right}>{l}</option>)}</select>
                      <Button small variant="secondary">Change</Button>
                    </form>
                    <form method="post" action={`${base}/unshare`}>
                      <CsrfField token={p.csrfToken} />
                      <input type="hidden" name="kind" value={kind} />
                      <input type="hidden" name="principalId" value={id} />
                      <Button small variant="danger">Stop sharing</Button>
                    </form>
                  </li>
                );
              })}
            </ul>
          )}
          <form method="post" action={`${base}/share`} class="row">
            <CsrfField token={p.csrfToken} />
            <div class="field">
              <label for="share-kind">With</label>
              <select id="share-kind" name="kind">
                <option value="user">A person (email below)</option>
                {p.groups.length > 0 ? <option value="group">A group</option> : null}
                <option value="org">Everyone in the organization</option>
              </select>
            </div>
            <div class="field"><label for="share-email">Email</label><input id="share-email" name="email" type="email" /></div>
            {p.groups.length > 0 ? (
              <div class="field">
                <label for="share-group">Group</label>
                <select id="share-group" name="groupId">{p.groups.map((g) => <option value={g.id}>{g.name}</option>)}</select>
              </div>
            ) : null}
            <div class="field">
              <label for="share-right">Can</label>
              <select id="share-right" name="right">{rights.map(([v, l]) => <option value={v}>{l}</option>)}</select>
            </div>
            <Button>Share</Button>
          </form>
        </Card>
      ) : null}

      {owner ? (
        <Card title="Public link" id="public-link" description="Anyone with the link can read the calendar as an .ics feed, without signing in.">
          {p.publicUrl ? (
            <div class="stack">
              <div class="linkbox"><label class="visually-hidden" for="public-url">Public address</label><input id="public-url" readonly value={p.publicUrl} /></div>
              <div class="form-actions">
                <form method="post" action={`${base}/link`}><CsrfField token={p.csrfToken} /><Button small variant="secondary" name="action" value="regenerate">New link (the old one stops working)</Button></form>
                <form method="post" action={`${base}/link`}><CsrfField token={p.csrfToken} /><Button small variant="danger" name="action" value="off">Turn off</Button></form>
              </div>
            </div>
          ) : (
            <form method="post" action={`${base}/link`}><CsrfField token={p.csrfToken} /><Button variant="secondary" name="action" value="on">Turn on the public link</Button></form>
          )}
        </Card>
      ) : null}

      <Card title="Import and export">
        <p><a class="btn btn-secondary" href={`${base}/export`} download>Download .ics</a></p>
        {canWrite ? (
          <form method="post" action={`${base}/import`} enctype="multipart/form-data" class="row" data-upload>
            <CsrfField token={p.csrfToken} />
            <div class="field"><label for="file">Import an .ics file (up to 20 MB)</label><input type="file" id="file" name="file" accept=".ics,text/calendar" required /></div>
            <Button variant="secondary">Import</Button>
            <p class="muted small" data-progress aria-live="polite"></p>
          </form>
        ) : null}
        <p class="muted small">On your devices (CalDAV): <code class="wrap">{p.davUrl}</code></p>
      </Card>

      {canShare ? (
        <Card title="Restore" id="restore" description="Bring this calendar back to how it was at an earlier moment. Nothing is lost: a restore can itself be undone.">
          <form method="get" action={`${base}/restore`} class="row">
            <div class="field">
              <label for="preset">As it was</label>
              <select id="preset" name="preset">{PRESETS.map(([v, l]) => <option value={v}>{l}</option>)}</select>
            </div>
            <div class="field"><label for="at">or at (UTC)</label><input id="at" name="at" type="datetime-local" step="1" /></div>
            <Button variant="secondary">Preview</Button>
          </form>
          {p.preview && s ? (
            <div class="stack" id="restore-preview">
              <p>Restoring to <strong>{p.preview.label}</strong> will:</p>
              {s.restored.length + s.deleted.length + s.edited.length === 0 && s.calendar === 'unchanged'
                ? <p class="muted">change nothing — the calendar already looks like that.</p>
                : (
                  <ul>
                    {s.calendar === 'changed' ? <li>put back the calendar’s earlier name, color or description</li> : null}
                    {s.restored.map((t) => <li>bring back <strong>{t}</strong></li>)}
                    {s.edited.map((t) => <li>put back the earlier version of <strong>{t}</strong></li>)}
                    {s.deleted.map((t) => <li>remove <strong>{t}</strong> (created later)</li>)}
                  </ul>
                )}
              <form method="post" action={`${base}/restore`}>
                <CsrfField token={p.csrfToken} />
                <input type="hidden" name="at" value={p.preview.at} />
                <Button>Restore</Button>
              </form>
            </div>
          ) : null}
        </Card>
      ) : null}

      {canWrite ? (
        <Card title="Recently deleted" id="recently-deleted">
          {p.deleted.length === 0 ? <p class="muted">Nothing deleted recently.</p> : (
            <ul class="tasks">
              {p.deleted.map((o) => (
                <li data-object-id={o.objectId}>
                  <span class="title"><strong>{o.summary || o.name}</strong> <span class="muted">{o.component === 'VTODO' ? 'task' : 'event'} · deleted {utc(o.deletedAt!)}</span></span>
                  <form method="post" action={`${base}/undelete/${o.objectId}`}><CsrfField token={p.csrfToken} /><Button small variant="secondary">Restore</Button></form>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}

      <Card>
        {owner ? (
          <form method="post" action={`${base}/delete`} id="delete-calendar">
            <CsrfField token={p.csrfToken} />
            <p class="muted">Deleting removes the calendar from every device and from the people it is shared with. You can bring it back from Settings.</p>
            <Button variant="danger">Delete calendar</Button>
          </form>
        ) : (
          <form method="post" action={`/calendar/shares/${cal.id}/hide`}>
            <CsrfField token={p.csrfToken} />
            <Button variant="danger">Remove from my calendars</Button>
          </form>
        )}
      </Card>
    </div>
  );
}

export function NewCalendarPage({ csrfToken, flash, colorsVersion }: { csrfToken: string; flash?: FlashMessage | undefined; colorsVersion: string }) {
  return (
    <div class="stack">
      <CalendarAssets colorsVersion={colorsVersion} />
      <p><a href="/calendar">← Back to the calendar</a></p>
      <h1>New calendar</h1>
      <MaybeFlash message={flash} />
      <Card>
        <form method="post" action="/calendar/calendars" class="stack">
          <CsrfField token={csrfToken} />
          <FormField label="Name" name="displayName" required maxlength={200} />
          <div class="field"><label for="color">Color</label><input type="color" id="color" name="color" value="#3a7bd5" /></div>
          <div class="field">
            <label for="holds">Holds</label>
            <select id="holds" name="holds">
              <option value="both">Events and tasks</option>
              <option value="events">Events only</option>
              <option value="tasks">Tasks only</option>
            </select>
          </div>
          <div class="form-actions"><Button>Create calendar</Button></div>
        </form>
      </Card>
    </div>
  );
}
