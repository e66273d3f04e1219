// The compose form: From (primary + aliases), To/Cc/Bcc with suggestions, subject,
// body, signatures, attachments (uploaded with a progress bar by compose.js), and the
// draft status that htmx refreshes on every autosave.
import { CsrfField, DriveFilePicker, MaybeFlash, type FlashMessage } from '../../../../ui/components/index.ts';
import type { Signature } from '../settings/signature-events.ts';

export interface ComposeForm {
  from: string;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  body: string;
  inReplyTo: string;
  references: string;
  /** `<mailboxId>:<uid>` of the message answered (gets \Answered once sent). */
  answering: string;
  /** UID of the current draft version in Drafts, or ''. */
  draftUid: string;
}

export interface StagedView {
  token: string;
  filename: string;
  size: number;
}

export interface ComposePageProps {
  form: ComposeForm;
  froms: string[];
  attachments: StagedView[];
  signatures: Signature[];
  csrfToken: string;
  maxAttachmentBytes: number;
  flash?: FlashMessage | undefined;
  heading: string;
  /** Files can be linked from the drive (the drive plugin is enabled). */
  drive?: boolean;
}

export interface DriveLink { name: string; url: string }

/** A linked drive file: shown in the form, added to the message text when it is sent or saved. */
export function DriveLinkItem({ link }: { link: DriveLink }) {
  return (
    <li class="compose-attachment compose-drive-link">
      <input type="hidden" name="driveLink" value={JSON.stringify(link)} />
      <span>🔗 {link.name}</span> <a class="muted small" href={link.url} target="_blank" rel="noopener">{link.url}</a>{' '}
      <button type="button" class="btn btn-ghost btn-small" data-remove-attachment="1" aria-label={`Remove the link to ${link.name}`}>Remove</button>
    </li>
  );
}

/** One folder of the user's drive in the picker: folders open in place, files get a link. */
export function DrivePicker({ items, folder, parent }: { items: { id: string; name: string; kind: 'folder' | 'file'; size: number }[]; folder: string | undefined; parent: string | undefined }) {
  return (
    <DriveFilePicker items={items} folder={folder} parent={parent} base="/mail/compose/drive" id="drive-picker-body" linksTarget="#attachment-list"
      listClass="compose-drive-list" labels={{ public: 'Link (anyone with it)', restricted: 'Link (colleagues)' }}
      detail={(i) => <span class="muted small">{formatSize(i.size ?? 0)}</span>} />
  );
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentItem({ a }: { a: StagedView }) {
  return (
    <li class="compose-attachment" data-token={a.token}>
      <input type="hidden" name="attachment" value={a.token} />
      <span>{a.filename}</span> <span class="muted small">{formatSize(a.size)}</span>{' '}
      <button type="button" class="btn btn-ghost btn-small" data-remove-attachment="1" aria-label={`Remove ${a.filename}`}>Remove</button>
    </li>
  );
}

export function DraftStatus({ uid, savedAt }: { uid: string; savedAt?: string | undefined }) {
  return (
    <span id="draft-status" class="muted small" role="status">
      <input type="hidden" name="draftUid" value={uid} id="draftUid" />
      {savedAt ? `Draft saved at ${savedAt}` : uid ? 'Draft saved' : ''}
    </span>
  );
}

function AddressField({ name, label, value }: { name: 'to' | 'cc' | 'bcc'; label: string; value: string }) {
  return (
    <div class="field">
      <label for={`compose-${name}`}>{label}</label>
      <input
        id={`compose-${name}`} name={name} type="text" value={value} list={`suggest-${name}`} autocomplete="off"
        hx-get="/mail/compose/suggest" hx-trigger="input changed delay:300ms" hx-target={`#suggest-${name}`} hx-swap="innerHTML"
        hx-vals={`{"field":"${name}"}`}
      />
      <datalist id={`suggest-${name}`}></datalist>
    </div>
  );
}

export function ComposePage(p: ComposePageProps) {
  const f = p.form;
  return (
    <div class="compose">
      <link rel="stylesheet" href="/mail/compose/compose.css" />
      <div class="page-head">
        <h1>{p.heading}</h1>
        <p class="muted small"><a href="/mail">Back to mail</a> · <a href="/mail/settings">Mail settings</a></p>
      </div>
      <MaybeFlash message={p.flash} />
      <form method="post" action="/mail/compose" id="compose-form" class="card stack"
        hx-post="/mail/compose/draft" hx-trigger="cairn-autosave" hx-target="#draft-status" hx-swap="outerHTML" hx-select="#draft-status">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="inReplyTo" value={f.inReplyTo} />
        <input type="hidden" name="references" value={f.references} />
        <input type="hidden" name="answering" value={f.answering} />
        <div class="field">
          <label for="compose-from">From</label>
          <select id="compose-from" name="from">
            {p.froms.map((a) => <option value={a} selected={a === f.from}>{a}</option>)}
          </select>
        </div>
        <AddressField name="to" label="To" value={f.to} />
        <AddressField name="cc" label="Cc" value={f.cc} />
        <AddressField name="bcc" label="Bcc" value={f.bcc} />
        <div class="field">
          <label for="compose-subject">Subject</label>
          <input id="compose-subject" name="subject" type="text" value={f.subject} maxlength={998} />
        </div>
        <div class="field">
          <label for="compose-body">Message</label>
          <textarea id="compose-body" name="body" rows={16}>{f.body}</textarea>
        </div>
        {p.signatures.length > 0 ? (
          <div class="row">
            <div class="field">
              <label for="compose-signature">Signature</label>
              <select id="compose-signature">
                {p.signatures.map((s) => <option value={s.id} data-body={s.body} data-default-for={s.defaultFor.join(' ')}>{s.name}</option>)}
              </select>
            </div>
            <button type="button" class="btn btn-secondary" id="insert-signature">Insert signature</button>
          </div>
        ) : null}
        <fieldset class="compose-files">
          <legend>Attachments</legend>
          <ul id="attachment-list" class="compose-attachment-list">
            {p.attachments.map((a) => <AttachmentItem a={a} />)}
          </ul>
          <div class="field">
            <label for="compose-file">Add files <span class="muted small">(up to {formatSize(p.maxAttachmentBytes)} each)</span></label>
            <input id="compose-file" type="file" multiple data-max-bytes={String(p.maxAttachmentBytes)} data-upload-url="/mail/compose/attachments" />
          </div>
          {p.drive ? (
            <details class="compose-drive" id="drive-picker">
              <summary hx-get="/mail/compose/drive" hx-target="#drive-picker-body" hx-swap="outerHTML" hx-trigger="click once">Link a file from your drive</summary>
              <div id="drive-picker-body"><p class="muted">Loading…</p></div>
            </details>
          ) : null}
          <div id="upload-progress" class="upload-progress" hidden>
            <label for="upload-bar" id="upload-label">Uploading…</label>
            <progress id="upload-bar" max="100" value="0"></progress>
          </div>
          <p id="upload-error" class="error" role="alert" hidden></p>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="btn" name="action" value="send">Send</button>
          <button type="submit" class="btn btn-secondary" name="action" value="save">Save draft</button>
          <DraftStatus uid={f.draftUid} />
        </div>
      </form>
      <script src="/mail/compose/compose.js" defer></script>
    </div>
  );
}
