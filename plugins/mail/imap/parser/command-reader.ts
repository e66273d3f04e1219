// Frames the byte stream of one connection into commands: lines up to CRLF, with the
// literals ({n}, {n+}, {n-}, ~{n}) they announce read in between (RFC 9051 §4.3,
// RFC 7888, RFC 3516 §4.3). It knows no command grammar; parsing the arguments is the
// ArgReader's job once a whole command is here.
//
// Invariants
// - Memory is bounded: a line longer than maxLineBytes is refused and skipped to its end;
//   a literal larger than the command's limit is refused before "+" (synchronizing) or read
//   and thrown away (non-synchronizing, RFC 7888 §4: the client sends it regardless);
//   a command's total size is bounded by maxCommandBytes (APPEND: plus appendLimit).
// - Units come out in the order their commands arrived (pipelining, RFC 9051 §5.5).
// - After a STARTTLS command line nothing more is framed until resume(): plaintext the
//   client sent after STARTTLS must never be taken as a command (RFC 9051 §6.2.1).

/** A literal's bytes; `binary` for literal8 (~{n}, RFC 3516). */
export interface LiteralPart {
  kind: 'literal';
  data: Buffer;
  binary: boolean;
}
export interface TextPart {
  kind: 'text';
  text: string;
}
export type CommandPart = TextPart | LiteralPart;

export type ReaderUnit =
  | { kind: 'command'; parts: CommandPart[] }
  /** A command the reader refused before it was complete; the session answers it. */
  | { kind: 'refused'; tag: string; status: 'BAD' | 'NO'; code: string | null; text: string };

export interface CommandReaderOptions {
  maxLineBytes: number;
  maxCommandBytes: number;
  /** The literal limit for a command whose first line is this ("a1 APPEND ..."). */
  literalLimit(firstLine: string): { max: number; isAppend: boolean };
  /** A synchronizing literal is acceptable: tell the client to send it (RFC 9051 §7.5). */
  onContinue(): void;
  onUnit(unit: ReaderUnit): void;
}

const LITERAL_AT_END = /(~?)\{(\d{1,20})([+-]?)\}$/;
const LF = 0x0a;

type Mode =
  | { kind: 'line' }
  | { kind: 'literal'; remaining: number; chunks: Buffer[]; binary: boolean }
  | { kind: 'discard-literal'; remaining: number }
  | { kind: 'skip-line' }
  | { kind: 'halted' };

export class CommandReader {
  readonly #opts: CommandReaderOptions;
  #buf: Buffer = Buffer.alloc(0);
  #mode: Mode = { kind: 'line' };
  #parts: CommandPart[] = [];
  #firstLine: string | null = null;
  #size = 0;

  constructor(opts: CommandReaderOptions) {
    this.#opts = opts;
  }

  /** True between a STARTTLS line and resume(). */
  get halted(): boolean {
    return this.#mode.kind === 'halted';
  }

  /** Bytes received and not yet framed (for tests and diagnostics). */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Drop everything buffered and start framing afresh (after STARTTLS, RFC 9051 §6.2.1). */
  resume(): void {
    this.#buf = Buffer.alloc(0);
    this.#resetCommand();
    this.#mode = { kind: 'line' };
  }

  push(chunk: Buffer): void {
    if (this.#mode.kind === 'halted') return;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#drain();
  }

  #drain(): void {
    for (;;) {
      const mode = this.#mode;
      if (mode.kind === 'halted') {
        this.#buf = Buffer.alloc(0);
        return;
      }
      if (this.#buf.length === 0) return;
      if (mode.kind === 'literal') {
        const take = Math.min(mode.remaining, this.#buf.length);
        // Copy: the chunk may be a slice of a larger socket buffer we do not want to pin.
        mode.chunks.push(Buffer.from(this.#buf.subarray(0, take)));
        this.#buf = this.#buf.subarray(take);
        mode.remaining -= take;
        if (mode.remaining === 0) {
          this.#parts.push({ kind: 'literal', data: Buffer.concat(mode.chunks), binary: mode.binary });
          this.#mode = { kind: 'line' };
        }
        continue;
      }
      if (mode.kind === 'discard-literal') {
        const take = Math.min(mode.remaining, this.#buf.length);
        this.#buf = this.#buf.subarray(take);
        mode.remaining -= take;
        if (mode.remaining === 0) this.#mode = { kind: 'skip-line' };
        continue;
      }
      const lf = this.#buf.indexOf(LF);
      if (mode.kind === 'skip-line') {
        if (lf < 0) {
          this.#buf = Buffer.alloc(0);
          return;
        }
        this.#buf = this.#buf.subarray(lf + 1);
        this.#mode = { kind: 'line' };
        continue;
      }
      // mode 'line'
      if (lf < 0) {
        if (this.#buf.length > this.#opts.maxLineBytes) {
          this.#refuse('BAD', null, 'Command line too long', this.#buf.subarray(0, 64).toString('latin1'));
          this.#buf = Buffer.alloc(0);
          this.#mode = { kind: 'skip-line' };
        }
        return;
      }
      const end = lf > 0 && this.#buf[lf - 1] === 0x0d ? lf - 1 : lf;
      const lineBytes = this.#buf.subarray(0, end);
      this.#buf = this.#buf.subarray(lf + 1);
      if (lineBytes.length > this.#opts.maxLineBytes) {
        this.#refuse('BAD', null, 'Command line too long', lineBytes.subarray(0, 64).toString('latin1'));
        continue;
      }
      this.#line(lineBytes.toString('utf8'));
    }
  }

  #line(line: string): void {
    if (this.#firstLine === null) this.#firstLine = line;
    const { max, isAppend } = this.#opts.literalLimit(this.#firstLine);
    const commandMax = this.#opts.maxCommandBytes + (isAppend ? max : 0);
    this.#size += Buffer.byteLength(line) + 2;
    const m = LITERAL_AT_END.exec(line);
    if (this.#size > commandMax) {
      this.#refuse(isAppend ? 'NO' : 'BAD', isAppend ? 'TOOBIG' : 'LIMIT', 'Command too large');
      if (m && m[3] !== '') this.#mode = { kind: 'discard-literal', remaining: Number(m[2]) };
      return;
    }
    if (!m) {
      this.#parts.push({ kind: 'text', text: line });
      const parts = this.#parts;
      const halt = this.#parts.length === 1 && /^[^ ]+ STARTTLS$/i.test(line);
      this.#resetCommand();
      this.#opts.onUnit({ kind: 'command', parts });
      if (halt) {
        this.#mode = { kind: 'halted' };
        this.#buf = Buffer.alloc(0);
      }
      return;
    }
    const size = Number(m[2]);
    const sync = m[3] === '';
    this.#parts.push({ kind: 'text', text: line.slice(0, m.index) });
    if (size > max || this.#size + size > commandMax) {
      // RFC 7889 §4: TOOBIG for an APPEND over the limit; RFC 5530 LIMIT otherwise.
      this.#refuse('NO', isAppend ? 'TOOBIG' : 'LIMIT', isAppend ? 'Message too large for APPENDLIMIT' : 'Literal too large');
      // A synchronizing literal is never sent once refused; a non-synchronizing one is coming
      // regardless and must be read past (RFC 7888 §4).
      if (!sync) this.#mode = { kind: 'discard-literal', remaining: size };
      return;
    }
    this.#size += size;
    if (sync) this.#opts.onContinue();
    if (size === 0) {
      this.#parts.push({ kind: 'literal', data: Buffer.alloc(0), binary: m[1] === '~' });
      return;
    }
    this.#mode = { kind: 'literal', remaining: size, chunks: [], binary: m[1] === '~' };
  }

  #refuse(status: 'BAD' | 'NO', code: string | null, text: string, head = ''): void {
    const first = this.#firstLine ?? head;
    const tag = /^[\x21-\x7e]+/.exec(first)?.[0] ?? '*';
    this.#resetCommand();
    this.#opts.onUnit({ kind: 'refused', tag: isTag(tag) ? tag : '*', status, code, text });
  }

  #resetCommand(): void {
    this.#parts = [];
    this.#firstLine = null;
    this.#size = 0;
  }
}

/** tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9). */
export function isTag(s: string): boolean {
  return /^[\x21-\x7e]+$/.test(s) && !/[(){%*"\\+]/.test(s);
}
