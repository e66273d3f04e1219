// /mail/compose: write, reply, forward, save drafts, upload attachments, send.
//
// - Sending goes through the submitter (smtp/submit-message.ts), the same path as the
//   SMTP submission port: From must be the user's, Bcc is stripped, local recipients get
//   the delivery pipeline, remote ones the queue, and the Sent copy is filed.
// - A draft is a message in the user's \Drafts flagged \Draft \Seen. Every save appends
//   a new version and expunges the previous one; the form carries the current UID, and
//   it is only ever looked up in the signed-in user's own Drafts mailbox.
// - Replies and forwards read the original from one of the user's own mailboxes
//   (`?reply=<mailboxId>:<uid>` …); anyone else's is a 404.
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { isCairnError, LimitExceededError, NotFoundError } from '../../../../core/errors.ts';
import type { CairnEnv } from '../../../../core/http/env.ts';
import { requireUser } from '../../../../core/http/require-user.ts';
import type { FlashMessage } from '../../../../ui/components/index.ts';
import { formatRecipient, recentRecipients } from '../../store/recent-recipients.ts';
import type { MailWebDeps, MailWebDepsFn } from '../mail-web-deps.ts';
import {
  addressesIn, buildMessage, forwardedBlock, forwardSubject, parseOriginal, quote, replyReferences, replySubject, type ComposeInput,
} from './compose-message.ts';
import { AttachmentItem, ComposePage, DraftStatus, DriveLinkItem, DrivePicker, type ComposeForm, type DriveLink, type StagedView } from './compose-page.tsx';
import {
  AttachmentStaging, draftsMailbox, fromChoices, MAX_ATTACHMENT_BYTES, MAX_TOTAL_ATTACHMENT_BYTES, ownMessage,
  signaturesOf, submitterOf, uiMeta,
} from './compose-support.ts';

const COMPOSE_JS = readFileSync(new URL('./static/compose.js', import.meta.url), 'utf8');
const COMPOSE_CSS = readFileSync(new URL('./static/compose.css', import.meta.url), 'utf8');
/** Suggestions returned per keystroke. */
const MAX_SUGGESTIONS = 10;

type Body = Record<string, string | File | (string | File)[]>;
const str = (b: Body, k: string): string => {
  const v = b[k];
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : '';
};
const strs = (b: Body, k: string): string[] => {
  const v = b[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};

/** Links to drive files are part of the text: the recipients get them whatever their mail client. */
export function withDriveLinks(body: string, values: string[]): string {
  const links: DriveLink[] = [];
  for (const v of values.slice(0, MAX_DRIVE_LINKS)) {
    try {
      const l = JSON.parse(v) as Partial<DriveLink>;
      if (typeof l.name === 'string' && typeof l.url === 'string' && /^https?:\/\//.test(l.url)) links.push({ name: l.name.replace(/[\r\n]+/g, ' ').slice(0, 255), url: l.url });
    } catch { /* not one of ours: ignored */ }
  }
  if (links.length === 0) return body;
  return `${body.replace(/\s+$/, '')}\n\nFiles shared from Cairn Drive:\n${links.map((l) => `- ${l.name}: ${l.url}`).join('\n')}\n`;
}

/** Drive links per message: a list of links, not a file index. */
const MAX_DRIVE_LINKS = 20;

export function composeRoutes(depsFn: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const staging = new AttachmentStaging();

  // The script is public like any static asset (no user data in it).
  app.get('/compose.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(COMPOSE_JS);
  });
  app.get('/compose.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(COMPOSE_CSS);
  });
  app.use('*', requireUser);

  const emptyForm = (from: string): ComposeForm => ({ from, to: '', cc: '', bcc: '', subject: '', body: '', inReplyTo: '', references: '', answering: '', draftUid: '' });

  async function render(c: Context<CairnEnv>, form: ComposeForm, attachments: StagedView[], opts: { flash?: FlashMessage; status?: 200 | 400 | 403 | 404 | 413; heading?: string } = {}) {
    const deps = depsFn();
    const user = c.var.user!;
    const [froms, signatures] = await Promise.all([fromChoices(deps, user.id, user.email), signaturesOf(deps).signatures(user.id)]);
    c.status(opts.status ?? 200);
    return c.render(
      <ComposePage form={form} froms={froms} attachments={attachments} signatures={signatures} csrfToken={c.var.csrfToken}
        maxAttachmentBytes={MAX_ATTACHMENT_BYTES} flash={opts.flash} heading={opts.heading ?? 'New message'} drive={deps.driveFiles !== undefined} />,
      { title: opts.heading ?? 'New message' },
    );
  }

  const stagedView = (items: { token: string; filename: string; size: number }[]): StagedView[] => items.map(({ token, filename, size }) => ({ token, filename, size }));

  app.get('/', async (c) => {
    const deps = depsFn();
    const user = c.var.user!;
    const form = emptyForm(user.email.toLowerCase());
    const staged: StagedView[] = [];
    let heading = 'New message';
    const q = (k: string) => c.req.query(k) || undefined;
    const reply = q('reply') ?? q('replyAll');
    const fwd = q('forward') ?? q('forwardAttached');
    const draft = q('draft');
    const mine = new Set((await fromChoices(deps, user.id, user.email)).map((a) => a.toLowerCase()));
    try {
      if (reply) {
        const orig = await ownMessage(deps, user.id, reply);
        const o = await parseOriginal(orig.raw);
        heading = 'Reply';
        form.to = o.replyTo || o.from;
        if (q('replyAll')) {
          const toMe = addressesIn(`${o.to}, ${o.cc}`).find((a) => mine.has(a));
          if (toMe) form.from = toMe;
          const others = addressesIn(`${o.to}, ${o.cc}`).filter((a) => !mine.has(a) && !addressesIn(form.to).includes(a));
          form.cc = others.join(', ');
          heading = 'Reply all';
        } else {
          const toMe = addressesIn(`${o.to}, ${o.cc}`).find((a) => mine.has(a));
          if (toMe) form.from = toMe;
        }
        form.subject = replySubject(o.subject);
        form.body = quote(o);
        form.inReplyTo = o.messageId;
        form.references = replyReferences(o);
        form.answering = `${orig.mailboxId}:${orig.uid}`;
      } else if (fwd) {
        const orig = await ownMessage(deps, user.id, fwd);
        const o = await parseOriginal(orig.raw);
        heading = 'Forward';
        form.subject = forwardSubject(o.subject);
        if (q('forwardAttached')) {
          const item = await staging.stage(deps, user.id, { filename: `${o.subject.trim() || 'message'}.eml`, contentType: 'message/rfc822', content: orig.raw });
          staged.push(...stagedView([item]));
        } else {
          form.body = forwardedBlock(o);
          for (const a of o.attachments) staged.push(...stagedView([await staging.stage(deps, user.id, a)]));
        }
      } else if (draft) {
        const drafts = await draftsMailbox(deps, user.id, uiMeta(c));
        const orig = await ownMessage(deps, user.id, `${drafts.id}:${draft}`);
        const o = await parseOriginal(orig.raw);
        heading = 'Draft';
        const from = addressesIn(o.from)[0];
        if (from && mine.has(from)) form.from = from;
        Object.assign(form, { to: o.to, cc: o.cc, bcc: o.bcc, subject: o.subject, body: o.text.replace(/\n$/, ''), draftUid: String(orig.uid) });
        form.inReplyTo = o.inReplyTo;
        form.references = o.references;
        for (const a of o.attachments) staged.push(...stagedView([await staging.stage(deps, user.id, a)]));
      } else {
        const to = q('to');
        if (to) form.to = to;
      }
    } catch (e) {
      if (e instanceof NotFoundError) return render(c, form, staged, { flash: { kind: 'error', text: 'That message was not found.' }, status: 404 });
      throw e;
    }
    if (!draft) {
      // The default signature of the sending address, below the cursor and above any quote.
      const sig = (await signaturesOf(deps).signatures(user.id)).find((s) => s.defaultFor.includes(form.from));
      if (sig) form.body = `\n\n-- \n${sig.body}${form.body}`;
    }
    return render(c, form, staged, { heading });
  });

  /** The form as posted, and the staged attachments it names (the user's own only). */
  async function readForm(c: Context<CairnEnv>, deps: MailWebDeps) {
    const b = (await c.req.parseBody({ all: true })) as Body;
    const user = c.var.user!;
    const form: ComposeForm = {
      from: str(b, 'from').trim().toLowerCase(), to: str(b, 'to'), cc: str(b, 'cc'), bcc: str(b, 'bcc'),
      subject: str(b, 'subject').replace(/[\r\n]+/g, ' '), body: str(b, 'body').replace(/\r\n/g, '\n'),
      inReplyTo: str(b, 'inReplyTo').replace(/[\r\n]+/g, ' '), references: str(b, 'references').replace(/[\r\n]+/g, ' '),
      answering: str(b, 'answering'), draftUid: str(b, 'draftUid'),
    };
    const items = staging.get(user.id, strs(b, 'attachment'));
    const total = items.reduce((n, i) => n + i.size, 0);
    if (total > MAX_TOTAL_ATTACHMENT_BYTES) throw new LimitExceededError(`Attachments add up to more than ${Math.round(MAX_TOTAL_ATTACHMENT_BYTES / 1024 / 1024)} MB; share big files from the drive instead.`);
    const input: ComposeInput = {
      from: form.from, to: form.to, cc: form.cc, bcc: form.bcc, subject: form.subject, body: withDriveLinks(form.body, strs(b, 'driveLink')),
      inReplyTo: form.inReplyTo || undefined, references: form.references || undefined,
      attachments: await staging.load(deps, items),
    };
    return { form, items, input, action: str(b, 'action') };
  }

  /** Appends a new draft version and expunges the one it replaces (only ever in the user's own Drafts). */
  async function saveDraft(c: Context<CairnEnv>, deps: MailWebDeps, form: ComposeForm, input: ComposeInput): Promise<number> {
    const user = c.var.user!;
    const meta = uiMeta(c);
    const mine = await fromChoices(deps, user.id, user.email);
    const raw = await buildMessage({ ...input, from: mine.includes(input.from) ? input.from : user.email }, { keepBcc: true, hostname: deps.config.hostname, draft: true });
    const drafts = await draftsMailbox(deps, user.id, meta);
    const r = await deps.store.appendMessage(drafts.id, { raw, flags: ['\\Draft', '\\Seen'] }, meta);
    await dropDraft(deps, drafts.id, form.draftUid, c);
    return r.uid;
  }

  async function dropDraft(deps: MailWebDeps, draftsId: string, uid: string, c: Context<CairnEnv>) {
    const n = Number(uid);
    if (!Number.isInteger(n) || n <= 0) return;
    const [rec] = await deps.store.messageRecords(draftsId, [n]);
    if (rec) await deps.store.expunge(draftsId, [n], uiMeta(c));
  }

  const failure = (e: unknown): { text: string; status: 400 | 403 | 404 | 413 } | undefined => {
    if (!isCairnError(e) || e.kind === 'server') return undefined;
    const status = e.status === 403 ? 403 : e.status === 404 ? 404 : e.status === 413 ? 413 : 400;
    return { text: e.message, status };
  };

  app.post('/', async (c) => {
    const deps = depsFn();
    const user = c.var.user!;
    let parsed: Awaited<ReturnType<typeof readForm>> | undefined;
    try {
      parsed = await readForm(c, deps);
      const { form, input, items, action } = parsed;
      if (action === 'save') {
        form.draftUid = String(await saveDraft(c, deps, form, input));
        return render(c, form, stagedView(items), { flash: { kind: 'success', text: 'Draft saved.' } });
      }
      const envelope = { from: form.from, to: [...addressesIn(form.to), ...addressesIn(form.cc), ...addressesIn(form.bcc)] };
      const raw = await buildMessage(input, { keepBcc: false, hostname: deps.config.hostname });
      await submitterOf(deps).submit(user.id, raw, envelope, { meta: uiMeta(c), primary: user.email });
      staging.forget(items.map((i) => i.token));
      const drafts = await draftsMailbox(deps, user.id, uiMeta(c));
      await dropDraft(deps, drafts.id, form.draftUid, c);
      if (form.answering) {
        try {
          const orig = await ownMessage(deps, user.id, form.answering);
          await deps.store.setFlags(orig.mailboxId, [orig.uid], 'add', ['\\Answered'], {}, uiMeta(c));
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
        }
      }
      return c.redirect('/mail/compose/sent', 303);
    } catch (e) {
      const f = failure(e);
      if (!f) throw e;
      const form = parsed?.form ?? emptyForm(user.email);
      return render(c, form, stagedView(parsed?.items ?? []), { flash: { kind: 'error', text: f.text }, status: f.status });
    }
  });

  app.get('/sent', (c) => {
    c.status(200);
    return c.render(
      <div class="stack">
        <div class="flash flash-success" role="status">Message sent.</div>
        <p><a class="btn" href="/mail/compose">Write another</a> <a class="btn btn-secondary" href="/mail">Back to mail</a></p>
      </div>,
      { title: 'Message sent' },
    );
  });

  // htmx autosave: answers the draft status (with the new UID) for #draft-status.
  app.post('/draft', async (c) => {
    const deps = depsFn();
    try {
      const { form, input } = await readForm(c, deps);
      const uid = await saveDraft(c, deps, form, input);
      const at = new Date().toISOString().slice(11, 16);
      return c.html(<DraftStatus uid={String(uid)} savedAt={`${at} UTC`} />);
    } catch (e) {
      const f = failure(e);
      if (!f) throw e;
      return c.html(<span id="draft-status" class="error small" role="alert">Draft not saved: {f.text}</span>, f.status);
    }
  });

  // One file per request (compose.js shows its progress); answers the list item to insert.
  app.post('/attachments', async (c) => {
    const deps = depsFn();
    const tooBig = () => c.html(<p class="error">That file is larger than {Math.round(MAX_ATTACHMENT_BYTES / 1024 / 1024)} MB. Share big files from the drive instead.</p>, 413);
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > MAX_ATTACHMENT_BYTES + 64 * 1024) return tooBig();
    const b = await c.req.parseBody();
    const file = b.file;
    if (!(file instanceof File)) return c.html(<p class="error">Choose a file to attach.</p>, 400);
    if (file.size > MAX_ATTACHMENT_BYTES) return tooBig();
    const item = await staging.stage(deps, c.var.user!.id, {
      filename: file.name, contentType: file.type || 'application/octet-stream', content: Buffer.from(await file.arrayBuffer()),
    });
    return c.html(<AttachmentItem a={{ token: item.token, filename: item.filename, size: item.size }} />);
  });

  // Files from the drive, attached as share links (drive.files): the picker, then a link.
  app.get('/drive', async (c) => {
    const files = depsFn().driveFiles;
    if (!files) throw new NotFoundError('the drive is not enabled');
    const folder = c.req.query('folder') || undefined;
    const items = await files.list(c.var.user!.id, folder);
    return c.html(<DrivePicker items={items} folder={folder} parent={c.req.query('parent') || undefined} />);
  });
  app.post('/drive/link', async (c) => {
    const files = depsFn().driveFiles;
    if (!files) throw new NotFoundError('the drive is not enabled');
    const b = await c.req.parseBody();
    const node = String(b.node ?? '');
    const access = b.access === 'restricted' ? 'restricted' : 'public';
    // The name comes from the user's own drive listing, never from the form.
    const item = await files.item(c.var.user!.id, node);
    if (!item || item.kind !== 'file') throw new NotFoundError('no such file in your drive');
    const link = await files.createShareLink(c.var.user!.id, node, { access }, 'ui');
    return c.html(<DriveLinkItem link={{ name: item.name, url: link.url }} />);
  });

  // Suggestions for an address field: <option>s for its datalist. The last address being
  // typed is completed; the ones before it are kept in each option's value.
  app.get('/suggest', async (c) => {
    const deps = depsFn();
    const field = c.req.query('field');
    const value = c.req.query('q') ?? ((field === 'to' || field === 'cc' || field === 'bcc') ? c.req.query(field) : undefined) ?? '';
    const cut = value.lastIndexOf(',');
    const before = cut >= 0 ? `${value.slice(0, cut + 1).trim()} ` : '';
    const term = value.slice(cut + 1).trim().toLowerCase();
    if (term.length < 1) return c.html('');
    const userId = c.var.user!.id;
    const options: { value: string; label: string }[] = [];
    const seen = new Set<string>();
    // Contacts, the directory and contact groups first (when the contacts plugin is on);
    // choosing a group puts all its members in the field.
    for (const s of deps.directory ? await deps.directory.suggest(userId, term, MAX_SUGGESTIONS) : []) {
      if (s.kind === 'group' && s.groupRef) {
        const members = (await deps.directory!.expandGroup(userId, s.groupRef)).filter((m) => m.email);
        if (members.length === 0) continue;
        options.push({ value: `${before}${members.map((m) => formatRecipient(m.name ? m : { email: m.email })).join(', ')}`, label: `${s.name} (group of ${members.length})` });
      } else if (s.email && !seen.has(s.email.toLowerCase())) {
        seen.add(s.email.toLowerCase());
        const text = formatRecipient(s.name ? { name: s.name, email: s.email } : { email: s.email });
        options.push({ value: `${before}${text}`, label: text });
      }
    }
    // Then people recently written to.
    for (const r of await recentRecipients(deps.store, userId)) {
      const text = formatRecipient(r);
      if (seen.has(r.email.toLowerCase()) || !text.toLowerCase().includes(term)) continue;
      seen.add(r.email.toLowerCase());
      options.push({ value: `${before}${text}`, label: text });
    }
    return c.html(<>{options.slice(0, MAX_SUGGESTIONS).map((o) => <option value={o.value}>{o.label}</option>)}</>);
  });

  return app;
}
