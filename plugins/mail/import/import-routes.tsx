// Import (mounted at /mail/import): from another IMAP server as a background job with
// live progress (htmx polling of a fragment), and upload of .mbox / .eml files.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { isCairnError, ValidationError } from '../../../core/errors.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { wantsJson } from '../../../core/http/wants-json.ts';
import { Button, Card, CsrfField, FormField } from '../../../ui/components/index.ts';
import type { MailWebDeps, MailWebDepsFn } from '../web/mail-web-deps.ts';
import { createImportService, importKey, type ImportJob, type ImportService } from './import-jobs.ts';
import { normalizeEml, splitMbox } from './mbox.ts';

/** Largest upload accepted in one request; bigger archives go through the IMAP import. */
export const UPLOAD_MAX_BYTES = 256 * 1024 * 1024;
/** Files per upload request. */
export const UPLOAD_MAX_FILES = 200;
/** Per message, as the store's limit (IMAP APPENDLIMIT / SMTP SIZE). */
export const UPLOAD_MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** How often the progress fragment polls while a job runs. */
const POLL = 'every 1s';

const services = new WeakMap<object, ImportService>();
/** One import service per mail store (the worker map is per process). */
export function importServiceFor(d: Pick<MailWebDeps, 'store' | 'events' | 'logger' | 'config'>): ImportService {
  let s = services.get(d.store);
  if (!s) {
    const allowPrivateHosts = d.config.sections.mail?.importAllowPrivateHosts === true;
    s = createImportService({ store: d.store, db: d.events.db.kysely, logger: d.logger, allowPrivateHosts });
    services.set(d.store, s);
  }
  return s;
}

function percent(j: ImportJob): number {
  return j.messagesTotal > 0 ? Math.min(100, Math.floor((j.messagesDone / j.messagesTotal) * 100)) : j.state === 'done' ? 100 : 0;
}

const STATE_TEXT = { running: 'Importing…', paused: 'Paused', done: 'Finished', failed: 'Stopped with an error' } as const;

export function ImportProgress({ job }: { job: ImportJob }) {
  const live = job.state === 'running';
  return (
    <div id={`import-${job.id}`} class="stack import-progress" data-state={job.state}
      {...(live ? { 'hx-get': `/mail/import/${job.id}/progress`, 'hx-trigger': POLL, 'hx-swap': 'outerHTML' } : {})}>
      <p><strong>{STATE_TEXT[job.state]}</strong> · {job.username} on {job.host}:{job.port}</p>
      <progress max={100} value={percent(job)} aria-label="Import progress">{percent(job)}%</progress>
      <p class="muted" aria-live="polite">
        <span class="messages-done">{job.messagesDone}</span> of <span class="messages-total">{job.messagesTotal}</span> messages ·{' '}
        {job.foldersDone} of {job.foldersTotal} folders
      </p>
      {job.error ? <p class="error" role="alert">{job.error}</p> : null}
    </div>
  );
}

function JobControls({ job, csrfToken }: { job: ImportJob; csrfToken: string }) {
  if (job.state === 'running') {
    return (
      <form method="post" action={`/mail/import/${job.id}/stop`} class="row">
        <CsrfField token={csrfToken} />
        <Button variant="secondary">Pause</Button>
      </form>
    );
  }
  if (job.state === 'done') return null;
  return (
    <form method="post" action={`/mail/import/${job.id}/resume`} class="stack">
      <CsrfField token={csrfToken} />
      <FormField label={`Password for ${job.username}`} name="password" type="password" required autocomplete="off" id={`resume-${job.id}`} hint="It is kept only in memory while the import runs." />
      <div class="row"><Button>Continue the import</Button></div>
    </form>
  );
}

interface UploadResult { imported: number; skipped: number; mailbox: string }

function ImportPage(p: { jobs: ImportJob[]; mailboxes: string[]; csrfToken: string; error?: string; uploaded?: UploadResult; form?: Record<string, string> }) {
  const f = p.form ?? {};
  return (
    <div class="stack">
      <h1>Import mail</h1>
      {p.error ? <div class="flash flash-error" role="alert">{p.error}</div> : null}
      {p.uploaded ? <div class="flash flash-success" role="status">Imported {p.uploaded.imported} messages into {p.uploaded.mailbox}{p.uploaded.skipped ? `; ${p.uploaded.skipped} skipped (too large or empty)` : ''}.</div> : null}
      {p.jobs.length ? (
        <Card title="Imports">
          <ul class="list">
            {p.jobs.map((j) => <li><a href={`/mail/import/${j.id}`}>{j.username} on {j.host}</a><ImportProgress job={j} /></li>)}
          </ul>
        </Card>
      ) : null}
      <Card title="From another mail server" description="Copies every folder with flags and dates. Duplicates are copied once; you can pause and continue. Your password is used only while the import runs and is never saved.">
        <form method="post" action="/mail/import/imap" class="stack">
          <CsrfField token={p.csrfToken} />
          <FormField label="IMAP server" name="host" required value={f.host ?? ''} placeholder="imap.example.com" />
          <div class="field">
            <label for="port">Port</label>
            <input id="port" name="port" type="number" min={1} max={65535} value={f.port ?? '993'} required />
          </div>
          <div class="field">
            <label for="tls">Security</label>
            <select id="tls" name="tls">
              <option value="implicit" selected={f.tls !== 'starttls'}>SSL/TLS (usually port 993)</option>
              <option value="starttls" selected={f.tls === 'starttls'}>STARTTLS (usually port 143)</option>
            </select>
          </div>
          <FormField label="User name" name="username" required value={f.username ?? ''} autocomplete="off" />
          <FormField label="Password" name="password" type="password" required autocomplete="off" hint="For Gmail and others with two-step sign-in, use an app password." />
          <div class="field">
            <label><input type="checkbox" name="allowUntrusted" value="1" checked={f.allowUntrusted === '1'} /> Accept an untrusted (self-signed) certificate</label>
          </div>
          <div class="row"><Button>Start importing</Button></div>
        </form>
      </Card>
      <Card title="Upload files" description={`.mbox archives (Thunderbird, Apple Mail, Google Takeout) or .eml messages, up to ${UPLOAD_MAX_BYTES / 1024 / 1024} MiB at once.`}>
        <form method="post" action="/mail/import/upload" enctype="multipart/form-data" class="stack"
          hx-post="/mail/import/upload" hx-encoding="multipart/form-data" hx-target="body" hx-indicator="#upload-progress">
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="files">Files</label>
            <input id="files" name="files" type="file" multiple required accept=".mbox,.eml,.mbx,application/mbox,message/rfc822" />
          </div>
          <div class="field">
            <label for="mailbox">Into folder</label>
            <select id="mailbox" name="mailbox">{p.mailboxes.map((m) => <option value={m}>{m}</option>)}</select>
          </div>
          <FormField label="Or a new folder" name="newMailbox" placeholder="Imported" />
          <div class="row"><Button>Upload</Button> <span id="upload-progress" class="htmx-indicator muted">Uploading…</span></div>
        </form>
      </Card>
    </div>
  );
}

function JobPage({ job, csrfToken }: { job: ImportJob; csrfToken: string }) {
  return (
    <div class="stack">
      <p><a href="/mail/import">← Imports</a></p>
      <Card title={`Import from ${job.host}`}>
        <ImportProgress job={job} />
        <JobControls job={job} csrfToken={csrfToken} />
        <details>
          <summary>Folders</summary>
          <ul class="list">{job.folders.map((fo) => <li>{fo.source} → {fo.target ?? <span class="muted">skipped</span>} {fo.done ? '✓' : fo.lastUid ? `(up to UID ${fo.lastUid})` : ''}</li>)}</ul>
        </details>
      </Card>
    </div>
  );
}

class UploadTooLarge extends Error {}

/** The multipart form, refusing (UploadTooLarge) once more than `limit` bytes arrive, declared length or not. */
async function boundedForm(req: Request, limit: number): Promise<FormData> {
  let seen = 0;
  const counted = req.body?.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      seen += chunk.byteLength;
      if (seen > limit) ctl.error(new UploadTooLarge());
      else ctl.enqueue(chunk);
    },
  }));
  try {
    return await new Response(counted ?? null, { headers: { 'Content-Type': req.headers.get('content-type') ?? '' } }).formData();
  } catch (e) {
    if (seen > limit) throw new UploadTooLarge();
    throw e;
  }
}

export function importRoutes(deps: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  const service = () => importServiceFor(deps());

  const page = async (c: Context<CairnEnv>, extra: { error?: string; uploaded?: UploadResult; form?: Record<string, string> } = {}, status: 200 | 400 | 409 | 413 = 200) => {
    const userId = c.var.user!.id;
    const d = deps();
    await d.store.ensureAccount(userId, { actor: userId, source: 'ui', time: new Date().toISOString() });
    const [jobs, boxes] = await Promise.all([service().jobs(userId), d.store.mailboxes(userId)]);
    c.status(status);
    return c.render(<ImportPage jobs={jobs} mailboxes={boxes.map((b) => b.name)} csrfToken={c.var.csrfToken} {...extra} />, { title: 'Import mail' });
  };

  app.get('/', (c) => page(c));

  app.post('/imap', async (c) => {
    const f = await c.req.parseBody();
    const form = Object.fromEntries(['host', 'port', 'tls', 'username', 'allowUntrusted'].map((k) => [k, String(f[k] ?? '')]));
    try {
      const job = await service().start(c.var.user!.id, {
        host: form.host!, port: Number(form.port), tls: form.tls === 'starttls' ? 'starttls' : 'implicit',
        username: form.username!.trim(), password: String(f.password ?? ''), allowUntrusted: form.allowUntrusted === '1',
      });
      return c.redirect(`/mail/import/${job.id}`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return page(c, { error: e.message, form }, e.status === 409 ? 409 : 400);
    }
  });

  const tooLarge = (c: Context<CairnEnv>) => page(c, { error: `Uploads are at most ${UPLOAD_MAX_BYTES / 1024 / 1024} MiB at once.` }, 413);
  app.post('/upload', async (c) => {
    const userId = c.var.user!.id;
    const length = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(length) && length > UPLOAD_MAX_BYTES) return tooLarge(c);
    let form: FormData;
    try {
      form = await boundedForm(c.req.raw, UPLOAD_MAX_BYTES);
    } catch (e) {
      if (e instanceof UploadTooLarge) return tooLarge(c);
      return page(c, { error: 'Choose one or more .mbox or .eml files.' }, 400);
    }
    const files = form.getAll('files').filter((x): x is File => typeof x === 'object' && x !== null && 'stream' in x && (x as File).size > 0);
    if (files.length === 0) return page(c, { error: 'Choose one or more .mbox or .eml files.' }, 400);
    if (files.length > UPLOAD_MAX_FILES) return page(c, { error: `At most ${UPLOAD_MAX_FILES} files at once.` }, 400);
    const d = deps();
    const meta = () => ({ actor: userId, source: 'ui' as const, time: new Date().toISOString(), requestId: c.var.requestId, via: 'upload' });
    const name = String(form.get('newMailbox') ?? '').trim() || String(form.get('mailbox') ?? '').trim() || 'INBOX';
    try {
      await d.store.ensureAccount(userId, meta());
      const mailbox = (await d.store.mailboxByName(userId, name)) ?? (await d.store.createMailbox(userId, name, {}, meta()));
      let imported = 0;
      let skipped = 0;
      const append = async (raw: Buffer, flags: string[], internalDate?: number) => {
        if (raw.length === 0) { skipped++; return; }
        await d.store.appendMessage(mailbox.id, { raw, flags, ...(internalDate !== undefined ? { internalDate } : {}) }, meta(), { idempotencyKey: importKey(userId, mailbox.id, raw) });
        imported++;
      };
      for (const file of files) {
        const head = Buffer.from(await file.slice(0, 5).arrayBuffer()).toString('latin1');
        if (/\.eml$/i.test(file.name) || (head !== 'From ' && !/\.mbox?$|\.mbx$/i.test(file.name))) {
          if (file.size > UPLOAD_MAX_MESSAGE_BYTES) { skipped++; continue; }
          await append(normalizeEml(Buffer.from(await file.arrayBuffer())), [], file.lastModified || undefined);
          continue;
        }
        for await (const item of splitMbox(file.stream() as unknown as AsyncIterable<Uint8Array>, { maxMessageBytes: UPLOAD_MAX_MESSAGE_BYTES })) {
          if (item.kind === 'skipped') skipped++;
          else await append(item.message.raw, item.message.flags, item.message.internalDate);
        }
      }
      c.header('HX-Push-Url', '/mail/import');
      return page(c, { uploaded: { imported, skipped, mailbox: mailbox.name } });
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      return page(c, { error: e.message }, e.status === 413 ? 413 : e.status === 409 ? 409 : 400);
    }
  });

  const requireJob = async (c: Context<CairnEnv>) => {
    const job = await service().job(c.var.user!.id, c.req.param('id')!);
    if (!job) throw new ValidationError('No such import.');
    return job;
  };
  const notFound = (c: Context<CairnEnv>) => c.json({ error: { code: 'not_found', message: 'No such import.', requestId: c.var.requestId } }, 404);

  app.get('/:id', async (c) => {
    const job = await service().job(c.var.user!.id, c.req.param('id'));
    if (!job) return notFound(c);
    return c.render(<JobPage job={job} csrfToken={c.var.csrfToken} />, { title: 'Import mail' });
  });
  app.get('/:id/progress', async (c) => {
    const job = await service().job(c.var.user!.id, c.req.param('id'));
    if (!job) return notFound(c);
    c.header('Cache-Control', 'no-store');
    if (wantsJson(c)) {
      const { folders, ...rest } = job;
      return c.json({ ...rest, percent: percent(job), folders });
    }
    // Once the job stops, the page around the bar (Pause vs Continue) is stale: reload it.
    if (job.state !== 'running' && c.req.header('HX-Request') === 'true') c.header('HX-Refresh', 'true');
    return c.html(<ImportProgress job={job} />);
  });
  app.post('/:id/stop', async (c) => {
    const job = await requireJob(c).catch(() => undefined);
    if (!job) return notFound(c);
    await service().stop(c.var.user!.id, job.id);
    return c.redirect(`/mail/import/${job.id}`, 303);
  });
  app.post('/:id/resume', async (c) => {
    const job = await service().job(c.var.user!.id, c.req.param('id'));
    if (!job) return notFound(c);
    const f = await c.req.parseBody();
    try {
      await service().resume(c.var.user!.id, job.id, String(f.password ?? ''));
      return c.redirect(`/mail/import/${job.id}`, 303);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      c.status(e.status === 409 ? 409 : 400);
      return c.render(<div class="stack"><div class="flash flash-error" role="alert">{e.message}</div><JobPage job={(await service().job(c.var.user!.id, job.id))!} csrfToken={c.var.csrfToken} /></div>, { title: 'Import mail' });
    }
  });
  return app;
}
