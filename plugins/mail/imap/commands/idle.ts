// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then every change the feed reports for
// the selected mailbox is pushed at once (expunges included, RFC 9051 §7.5.1), until DONE.
import { badSyntax } from '../imap-error.ts';
import { AUTHENTICATED, defineCommand, noArgs } from './command.ts';

export const idleCommand = defineCommand({
  name: 'IDLE',
  states: AUTHENTICATED,
  parse: noArgs,
  async run(s) {
    s.out.write('+ idling\r\n');
    const sel = s.selected;
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<void> = Promise.resolve();
    const push = () => {
      if (timer || s.closed) return;
      // Coalesce a burst of events into one round of responses (IDLE_NOTIFY_DELAY_MS).
      timer = setTimeout(() => {
        timer = null;
        running = running.then(() => s.pushUpdates()).catch((e) => s.ctx.logger.debug({ err: e }, 'imap: IDLE update failed'));
      }, s.ctx.limits.idleNotifyDelayMs);
    };
    if (sel) {
      sel.onDirty = push;
      // Whatever is already pending goes out now.
      await s.pushUpdates();
    } else await s.out.flush();
    const unit = await s.nextUnit();
    if (sel) sel.onDirty = null;
    if (timer) clearTimeout(timer);
    await running;
    if (!unit) return null;
    const line = unit.kind === 'command' && unit.parts.length === 1 && unit.parts[0]!.kind === 'text' ? unit.parts[0]!.text : '';
    if (line.toUpperCase() !== 'DONE') throw badSyntax('Expected DONE');
    return { text: 'IDLE terminated' };
  },
});
