// Every mail page works on the signed-in user's own mailboxes only: a mailbox id that
// is unknown or belongs to someone else is the same 404.
import type { Context } from 'hono';
import type { EventMetadata } from '../../../../core/events/types.ts';
import { NotFoundError } from '../../../../core/errors.ts';
import type { CairnEnv } from '../../../../core/http/env.ts';
import type { MailboxInfo } from '../../store/types.ts';
import type { MailWebDeps } from '../mail-web-deps.ts';

export function uiMeta(c: Context<CairnEnv>): EventMetadata {
  return { actor: c.var.user!.id, source: 'ui', requestId: c.var.requestId, time: new Date().toISOString() };
}

/** The mailbox when it is the user's; NotFoundError otherwise (never says whose it is). */
export async function ownMailbox(deps: MailWebDeps, c: Context<CairnEnv>, mailboxId: string): Promise<MailboxInfo> {
  const mb = await deps.store.mailbox(mailboxId);
  if (!mb || mb.accountId !== c.var.user!.id) throw new NotFoundError('no such mailbox', 'mailbox_not_found');
  return mb;
}

/** The user's mailboxes, creating the default set on first use. */
export async function ownMailboxes(deps: MailWebDeps, c: Context<CairnEnv>): Promise<MailboxInfo[]> {
  let boxes = await deps.store.mailboxes(c.var.user!.id);
  if (boxes.length === 0) {
    await deps.store.ensureAccount(c.var.user!.id, uiMeta(c));
    boxes = await deps.store.mailboxes(c.var.user!.id);
  }
  return boxes;
}
