// MOVE / UID MOVE (RFC 6851, RFC 9051 §6.4.8): COPYUID in an untagged OK, then the
// expunges of the originals (EXPUNGE, or VANISHED under QRESYNC), then the tagged OK.
import { refused } from '../imap-error.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand } from './command.ts';
import { parseCopy, transfer, type CopyArgs } from './copy.ts';

async function move(s: ImapSession, args: CopyArgs, byUid: boolean, tag: string) {
  const sel = s.requireSelected();
  if (sel.readOnly) throw refused('READ-ONLY', 'Mailbox is read-only');
  const { code, moved } = await transfer(s, args, byUid, 'move', tag);
  // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
  if (code) s.out.untagged(`OK [${code}] Moved`);
  sel.expungeNow(moved, s.out, s.viewOptions());
  return {};
}

export const moveCommand = defineCommand({
  name: 'MOVE',
  states: SELECTED,
  parse: parseCopy,
  run: (s, args, tag) => move(s, args, false, tag),
});

export const uidMoveCommand = defineCommand({
  name: 'UID MOVE',
  states: SELECTED,
  parse: parseCopy,
  run: (s, args, tag) => move(s, args, true, tag),
});
