// One IMAP connection: frames commands, runs them one at a time in arrival order
// (pipelining, RFC 9051 §5.5), checks each against the legality table, reports mailbox
// changes at the points RFC 9051 §7.5 allows, and ends with BYE.
import type { Socket } from 'node:net';
import type { EventMetadata } from '../../../../core/events/types.ts';
import type { AuthenticatedUser } from '../../../../core/identity/auth-service.ts';
import type { Connection } from '../../../../core/net/index.ts';
import type { ImapCommand, SessionState } from '../commands/command.ts';
import { badSyntax, refused } from '../imap-error.ts';
import { ArgReader } from '../parser/arg-reader.ts';
import { CommandReader, type ReaderUnit } from '../parser/command-reader.ts';
import { capabilities } from '../response/capabilities.ts';
import { str } from '../response/imap-string.ts';
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../response/modified-utf7.ts';
import { mapError } from './map-error.ts';
import { ResponseWriter } from './response-writer.ts';
import type { SelectedMailbox, ViewOptions } from './selected-mailbox.ts';
import type { ServerContext } from './server-context.ts';

export type TlsMode = 'starttls' | 'implicit';

export class ImapSession {
  state: SessionState = 'not-authenticated';
  user: AuthenticatedUser | null = null;
  selected: SelectedMailbox | null = null;
  /** ENABLEd extensions (RFC 5161), upper case. */
  readonly enabled = new Set<string>();
  /** CONDSTORE is on: enabled, or turned on by a CONDSTORE-enabling command (RFC 7162 §3.1). */
  condstore = false;
  /** SEARCH RETURN (SAVE) result as UIDs (RFC 5182). */
  savedSearch: number[] | null = null;
  failedAuths = 0;
  readonly out: ResponseWriter;
  readonly conn: Connection;
  readonly ctx: ServerContext;
  readonly tlsMode: TlsMode;
  readonly #commands: ReadonlyMap<string, ImapCommand<any>>;
  readonly #reader: CommandReader;
  readonly #queue: ReaderUnit[] = [];
  #waiter: ((u: ReaderUnit | null) => void) | null = null;
  #socket: Socket | null = null;
  #paused = false;
  #closed = false;
  #badInARow = 0;
  #commandsBeforeAuth = 0;
  #countedUser: string | null = null;
  #closeAfterReply = false;

  constructor(init: { conn: Connection; ctx: ServerContext; tlsMode: TlsMode; commands: ReadonlyMap<string, ImapCommand<any>> }) {
    this.conn = init.conn;
    this.ctx = init.ctx;
    this.tlsMode = init.tlsMode;
    this.#commands = init.commands;
    this.out = new ResponseWriter(() => this.conn.socket);
    const limits = init.ctx.limits;
    this.#reader = new CommandReader({
      maxLineBytes: limits.maxLineBytes,
      maxCommandBytes: limits.maxCommandBytes,
      literalLimit: (firstLine) => {
        if (/^\S+ APPEND /i.test(firstLine)) return { max: this.state === 'not-authenticated' ? limits.maxLiteralBytesUnauthenticated : limits.appendLimit, isAppend: true };
        return { max: this.state === 'not-authenticated' ? limits.maxLiteralBytesUnauthenticated : limits.maxLiteralBytes, isAppend: false };
      },
      // RFC 9051 §7.5: command continuation request for a synchronizing literal.
      onContinue: () => this.#socket?.write('+ Ready for literal data\r\n'),
      onUnit: (u) => this.#enqueue(u),
    });
  }

  get utf8(): boolean {
    return this.enabled.has('UTF8=ACCEPT');
  }

  get qresync(): boolean {
    return this.enabled.has('QRESYNC');
  }

  get rev2(): boolean {
    return this.enabled.has('IMAP4REV2');
  }

  /** STARTTLS port before the upgrade: no authentication (RFC 9051 §6.2.3 LOGINDISABLED). */
  get needsTls(): boolean {
    return this.tlsMode === 'starttls' && !this.conn.secure;
  }

  get closed(): boolean {
    return this.#closed;
  }

  viewOptions(): ViewOptions {
    return { condstore: this.condstore, qresync: this.qresync };
  }

  capabilities(): string {
    return capabilities({ state: this.state, needsTls: this.needsTls, appendLimit: this.ctx.limits.appendLimit });
  }

  start(): void {
    this.#attach(this.conn.socket);
    this.conn.onShutdown(() => this.#goodbye('Server shutting down'));
    this.conn.onIdle(() => {
      this.out.untagged('BYE Autologout; idle for too long');
      void this.out.flush();
    });
    this.out.untagged(`OK [CAPABILITY ${this.capabilities()}] ${this.ctx.hostname} Cairn IMAP ready`);
    void this.out.flush();
    void this.#loop();
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.once('close', this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#reader.push(chunk);
  };

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.selected?.close();
    this.selected = null;
    if (this.#countedUser) {
      const n = (this.ctx.userConnections.get(this.#countedUser) ?? 1) - 1;
      if (n > 0) this.ctx.userConnections.set(this.#countedUser, n);
      else this.ctx.userConnections.delete(this.#countedUser);
      this.#countedUser = null;
    }
    const w = this.#waiter;
    this.#waiter = null;
    w?.(null);
  };

  #enqueue(u: ReaderUnit): void {
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(u);
      return;
    }
    this.#queue.push(u);
    // Backpressure: stop reading while the client is far ahead of us.
    if (this.#queue.length >= this.ctx.limits.maxPipelinedCommands && !this.#paused) {
      this.#paused = true;
      this.#socket?.pause();
    }
  }

  /** The next framed command (or, during IDLE / AUTHENTICATE, the client's next line); null once the connection closed. */
  nextUnit(): Promise<ReaderUnit | null> {
    const u = this.#queue.shift();
    if (this.#paused && this.#queue.length < this.ctx.limits.maxPipelinedCommands / 2) {
      this.#paused = false;
      this.#socket?.resume();
    }
    if (u) return Promise.resolve(u);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  async #loop(): Promise<void> {
    while (!this.#closed && this.state !== 'logout') {
      const unit = await this.nextUnit();
      if (!unit) break;
      try {
        await this.#handle(unit);
      } catch (e) {
        this.ctx.logger.error({ err: e, conn: this.conn.id }, 'imap: session failed');
        this.conn.socket.destroy();
        break;
      }
    }
  }

  async #handle(unit: ReaderUnit): Promise<void> {
    if (unit.kind === 'refused') {
      this.#tagged(unit.tag, unit.status, unit.code, unit.text);
      await this.#afterCommand(unit.status === 'BAD');
      return;
    }
    const r = new ArgReader(unit.parts, { maxDepth: this.ctx.limits.maxNestingDepth });
    let tag = '*';
    let command: ImapCommand<any> | undefined;
    let name = '';
    try {
      tag = r.tag();
      r.sp();
      name = r.atom('a command').toUpperCase();
      if (name === 'UID') {
        r.sp();
        name = `UID ${r.atom('a command').toUpperCase()}`;
      }
      command = this.#commands.get(name);
      if (!command) throw badSyntax(`Unknown command ${name.slice(0, 40)}`);
    } catch (e) {
      const w = mapError(e);
      this.#tagged(tag, 'BAD', null, w.text);
      await this.#afterCommand(true);
      return;
    }
    if (this.state === 'not-authenticated' && ++this.#commandsBeforeAuth > this.ctx.limits.maxCommandsBeforeAuth) {
      await this.#goodbye('Too many commands without logging in');
      return;
    }
    let bad = false;
    try {
      if (!command.states.includes(this.state)) {
        // RFC 9051 §3: the command exists but not in this state.
        throw badSyntax(this.state === 'not-authenticated' ? `${name} needs authentication first` : `${name} not allowed now`);
      }
      const args = command.parse(r, this);
      const result = await command.run(this, args, tag);
      await this.#report(!command.holdsExpunges);
      if (result) this.#tagged(tag, 'OK', result.code ?? null, result.text ?? `${name} completed`);
    } catch (e) {
      const w = mapError(e);
      if (w.internal) this.ctx.logger.error({ err: e, conn: this.conn.id, command: name }, 'imap: command failed');
      bad = w.status === 'BAD';
      if (!this.#closed) {
        await this.#report(false).catch(() => {});
        this.#tagged(tag, w.status, w.code, w.text);
      }
    }
    await this.#afterCommand(bad);
  }

  /** Untagged updates of the selected mailbox after a command (RFC 9051 §7.5). */
  async #report(allowExpunge: boolean): Promise<void> {
    const sel = this.selected;
    if (!sel || this.state !== 'selected') return;
    await sel.sync(this.out, { ...this.viewOptions(), allowExpunge });
    if (sel.deleted) await this.#goodbye('The selected mailbox was deleted');
  }

  /** Runs during IDLE when the feed says the mailbox changed. */
  async pushUpdates(): Promise<void> {
    await this.#report(true);
    await this.out.flush();
  }

  async #afterCommand(bad: boolean): Promise<void> {
    this.#badInARow = bad ? this.#badInARow + 1 : 0;
    if (this.#badInARow >= this.ctx.limits.maxBadCommands) {
      await this.#goodbye('Too many invalid commands');
      return;
    }
    await this.out.flush();
    if (this.#closeAfterReply) this.conn.close();
  }

  #tagged(tag: string, status: 'OK' | 'NO' | 'BAD', code: string | null, text: string): void {
    this.out.write(`${tag} ${status} ${code ? `[${code}] ` : ''}${text}\r\n`);
  }

  /** "* BYE" and close (RFC 9051 §7.1.5). */
  async #goodbye(text: string): Promise<void> {
    if (this.#closed || this.state === 'logout') return;
    this.state = 'logout';
    this.out.untagged(`BYE ${text}`);
    await this.out.flush();
    this.conn.close();
  }

  /** Ends the connection once the current command's reply is written (LOGOUT, too many failed logins). */
  closeAfterReply(): void {
    this.state = 'logout';
    this.#closeAfterReply = true;
  }

  /** STARTTLS: answer, upgrade, forget any plaintext read past the command (RFC 9051 §6.2.1). */
  async startTls(tag: string): Promise<void> {
    this.#tagged(tag, 'OK', null, 'Begin TLS negotiation now');
    await this.out.flush();
    const old = this.#socket;
    old?.off('data', this.#onData);
    this.#queue.length = 0;
    await this.conn.upgradeToTls();
    this.#reader.resume();
    this.#attach(this.conn.socket);
  }

  /** Undo the reader's halt when STARTTLS is refused. */
  resumeReading(): void {
    if (this.#reader.halted) this.#reader.resume();
  }

  /** Login succeeded: count the connection against the user's limit and move to authenticated. */
  authenticated(user: AuthenticatedUser): void {
    const n = this.ctx.userConnections.get(user.id) ?? 0;
    if (n >= this.ctx.limits.maxConnectionsPerUser) throw refused('LIMIT', 'Too many connections for this user');
    this.ctx.userConnections.set(user.id, n + 1);
    this.#countedUser = user.id;
    this.user = user;
    this.state = 'authenticated';
  }

  requireUser(): AuthenticatedUser {
    if (!this.user) throw badSyntax('Not authenticated');
    return this.user;
  }

  requireSelected(): SelectedMailbox {
    if (!this.selected) throw badSyntax('No mailbox selected');
    return this.selected;
  }

  meta(tag?: string): EventMetadata {
    return { actor: this.user?.id ?? 'anonymous', source: 'imap', time: new Date().toISOString(), requestId: tag ? `${this.conn.id}:${tag}` : this.conn.id };
  }

  /** Turns CONDSTORE on (RFC 7162 §3.1); true when it was off. */
  enableCondstore(): boolean {
    if (this.condstore) return false;
    this.condstore = true;
    return true;
  }

  /** Leaves the selected state (CLOSE, UNSELECT, a failed SELECT). */
  deselect(): void {
    this.selected?.close();
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** A mailbox name from the wire: modified UTF-7 unless UTF8=ACCEPT (RFC 9051 §5.1.3, RFC 6855 §3); INBOX case-insensitive. */
  mailboxFromWire(wire: string): string {
    let name: string | null = wire;
    if (!this.utf8) name = decodeModifiedUtf7(wire);
    if (name === null) throw refused('CANNOT', 'Mailbox name is not valid modified UTF-7');
    name = name.replace(/\/+$/, '');
    if (/^inbox(\/|$)/i.test(name)) name = 'INBOX' + name.slice(5);
    return name;
  }

  /** A mailbox name for the wire, quoted. */
  mailboxToWire(name: string): string {
    return str(this.utf8 ? name : encodeModifiedUtf7(name), this.utf8);
  }
}
