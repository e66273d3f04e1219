// The legality table (RFC 9051 §3, §6): every command the server knows and the states it
// is legal in, as declared by its own file. The session refuses any other command with
// BAD, and a known command in the wrong state with BAD.
import { appendCommand } from './append.ts';
import { authenticateCommand } from './authenticate.ts';
import { capabilityCommand } from './capability.ts';
import { checkCommand } from './check.ts';
import { closeCommand } from './close.ts';
import type { ImapCommand, SessionState } from './command.ts';
import { copyCommand, uidCopyCommand } from './copy.ts';
import { createCommand } from './create.ts';
import { deleteCommand } from './delete.ts';
import { enableCommand } from './enable.ts';
import { expungeCommand, uidExpungeCommand } from './expunge.ts';
import { fetchCommand, uidFetchCommand } from './fetch.ts';
import { getquotaCommand } from './getquota.ts';
import { getquotarootCommand } from './getquotaroot.ts';
import { idCommand } from './id.ts';
import { idleCommand } from './idle.ts';
import { listCommand } from './list.ts';
import { loginCommand } from './login.ts';
import { logoutCommand } from './logout.ts';
import { lsubCommand } from './lsub.ts';
import { moveCommand, uidMoveCommand } from './move.ts';
import { namespaceCommand } from './namespace.ts';
import { noopCommand } from './noop.ts';
import { renameCommand } from './rename.ts';
import { searchCommand, uidSearchCommand } from './search.ts';
import { examineCommand, selectCommand } from './select.ts';
import { starttlsCommand } from './starttls.ts';
import { statusCommand } from './status.ts';
import { storeCommand, uidStoreCommand } from './store.ts';
import { subscribeCommand } from './subscribe.ts';
import { unselectCommand } from './unselect.ts';
import { unsubscribeCommand } from './unsubscribe.ts';

export const COMMANDS: readonly ImapCommand<any>[] = [
  // any state (RFC 9051 §6.1)
  capabilityCommand, noopCommand, logoutCommand, idCommand,
  // not authenticated (RFC 9051 §6.2)
  starttlsCommand, authenticateCommand, loginCommand,
  // authenticated (RFC 9051 §6.3)
  enableCommand, selectCommand, examineCommand, createCommand, deleteCommand, renameCommand,
  subscribeCommand, unsubscribeCommand, listCommand, lsubCommand, namespaceCommand, statusCommand,
  appendCommand, idleCommand, getquotaCommand, getquotarootCommand,
  // selected (RFC 9051 §6.4)
  checkCommand, closeCommand, unselectCommand, expungeCommand, uidExpungeCommand,
  searchCommand, uidSearchCommand, fetchCommand, uidFetchCommand, storeCommand, uidStoreCommand,
  copyCommand, uidCopyCommand, moveCommand, uidMoveCommand,
];

export function commandTable(): ReadonlyMap<string, ImapCommand<any>> {
  const table = new Map<string, ImapCommand<any>>();
  for (const c of COMMANDS) {
    if (table.has(c.name)) throw new Error(`imap: command ${c.name} defined twice`);
    table.set(c.name, c);
  }
  return table;
}

/** Which commands are legal in a state (for documentation and tests). */
export function legalIn(state: SessionState): string[] {
  return COMMANDS.filter((c) => c.states.includes(state)).map((c) => c.name);
}
