import { describe, expect, it } from 'vitest';
import { CommandReader, type ReaderUnit } from './command-reader.ts';

function reader(opts: { maxLineBytes?: number; maxCommandBytes?: number; literal?: number; append?: number } = {}) {
  const units: ReaderUnit[] = [];
  let continues = 0;
  const r = new CommandReader({
    maxLineBytes: opts.maxLineBytes ?? 100,
    maxCommandBytes: opts.maxCommandBytes ?? 1000,
    literalLimit: (first) => (/ APPEND /i.test(first) ? { max: opts.append ?? 500, isAppend: true } : { max: opts.literal ?? 50, isAppend: false }),
    onContinue: () => continues++,
    onUnit: (u) => units.push(u),
  });
  return { r, units, continues: () => continues };
}

const texts = (u: ReaderUnit | undefined) => (u && u.kind === 'command' ? u.parts.map((p) => (p.kind === 'text' ? p.text : `<${p.data.toString()}>`)) : u);

describe('CommandReader', () => {
  it('frames CRLF and bare LF lines, across chunk boundaries', () => {
    const { r, units } = reader();
    r.push(Buffer.from('a1 NOOP\r\na2 CAPA'));
    r.push(Buffer.from('BILITY\na3 LOGOUT\r'));
    r.push(Buffer.from('\n'));
    expect(units.map(texts)).toEqual([['a1 NOOP'], ['a2 CAPABILITY'], ['a3 LOGOUT']]);
  });

  it('asks for a synchronizing literal with "+" and reads it byte-exact', () => {
    const { r, units, continues } = reader();
    r.push(Buffer.from('a LOGIN {4}\r\n'));
    expect(continues()).toBe(1);
    r.push(Buffer.from('b\r\nx {2}\r\n'));
    r.push(Buffer.from('pw\r\n'));
    expect(units.map(texts)).toEqual([['a LOGIN ', '<b\r\nx>', ' ', '<pw>', '']]);
    expect(continues()).toBe(2);
  });

  it('takes LITERAL+ and LITERAL- without a continuation, and literal8', () => {
    const { r, units, continues } = reader();
    r.push(Buffer.from('a LOGIN {1+}\r\nu {2-}\r\npw\r\nb APPEND INBOX ~{2+}\r\n\0\x01\r\n'));
    expect(continues()).toBe(0);
    expect(texts(units[0])).toEqual(['a LOGIN ', '<u>', ' ', '<pw>', '']);
    const lit = units[1]!.kind === 'command' ? units[1]!.parts[1] : undefined;
    expect(lit).toMatchObject({ kind: 'literal', binary: true, data: Buffer.from([0, 1]) });
  });

  it('refuses a synchronizing literal over the limit without "+", and reads past a non-synchronizing one', () => {
    const { r, units, continues } = reader();
    r.push(Buffer.from('a APPEND INBOX {501}\r\n'));
    expect(continues()).toBe(0);
    expect(units[0]).toMatchObject({ kind: 'refused', tag: 'a', status: 'NO', code: 'TOOBIG' });
    r.push(Buffer.from('b SEARCH TEXT {60+}\r\n' + 'x'.repeat(60) + ' ALL\r\nc NOOP\r\n'));
    expect(units[1]).toMatchObject({ kind: 'refused', tag: 'b', status: 'NO', code: 'LIMIT' });
    expect(texts(units[2])).toEqual(['c NOOP']);
  });

  it('refuses an over-long line, skips to its end, and goes on', () => {
    const { r, units } = reader({ maxLineBytes: 20 });
    r.push(Buffer.from('t1 ' + 'A'.repeat(30)));
    expect(units[0]).toMatchObject({ kind: 'refused', tag: 't1', status: 'BAD' });
    r.push(Buffer.from('A'.repeat(30) + '\r\nt2 NOOP\r\n'));
    expect(texts(units[1])).toEqual(['t2 NOOP']);
  });

  it('bounds the total size of a command', () => {
    const { r, units } = reader({ maxCommandBytes: 60, literal: 50 });
    r.push(Buffer.from('a LOGIN {40+}\r\n' + 'x'.repeat(40) + ' {40+}\r\n' + 'y'.repeat(40) + '\r\nb NOOP\r\n'));
    expect(units[0]).toMatchObject({ kind: 'refused', tag: 'a' });
    expect(texts(units[1])).toEqual(['b NOOP']);
  });

  it('stops framing after a STARTTLS line until resumed, dropping pipelined plaintext', () => {
    const { r, units } = reader();
    r.push(Buffer.from('a STARTTLS\r\nb LOGIN evil pw\r\n'));
    r.push(Buffer.from('c NOOP\r\n'));
    expect(units.map(texts)).toEqual([['a STARTTLS']]);
    expect(r.halted).toBe(true);
    r.resume();
    r.push(Buffer.from('d NOOP\r\n'));
    expect(units.map(texts)).toEqual([['a STARTTLS'], ['d NOOP']]);
  });
});
