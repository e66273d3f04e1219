import { describe, expect, it } from 'vitest';
import { ImapError } from '../imap-error.ts';
import { ArgReader } from './arg-reader.ts';
import { parseFetchRequest } from './fetch-items.ts';
import { parseSearchRequest } from './search-query.ts';
import { formatSequenceSet, parseSequenceSet, resolveSequenceNumbers, resolveUids } from './sequence-set.ts';
import { formatDateTime, parseDateTime } from './dates.ts';

const args = (text: string, literals: string[] = []) => {
  const parts = text.split('\u0001');
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    out.push({ kind: 'text' as const, text: parts[i]! });
    if (i < literals.length) out.push({ kind: 'literal' as const, data: Buffer.from(literals[i]!), binary: false });
  }
  return new ArgReader(out, { maxDepth: 4 });
};

const bad = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ImapError ? e.status : 'other';
  }
  return 'none';
};

describe('ArgReader', () => {
  it('reads tags, atoms, quoted strings with escapes, literals and lists', () => {
    const r = args('a1 LOGIN "jo\\"e" \u0001 (a (b c) "d")', ['s3cr3t pw']);
    expect(r.tag()).toBe('a1');
    r.sp();
    expect(r.atom()).toBe('LOGIN');
    r.sp();
    expect(r.astring()).toBe('jo"e');
    r.sp();
    expect(r.astring()).toBe('s3cr3t pw');
    r.sp();
    const nested = r.list(() => (r.peek() === '(' ? r.list(() => r.atom()) : r.astring()));
    expect(nested).toEqual(['a', ['b', 'c'], 'd']);
    r.end();
  });

  it('refuses bad syntax with BAD: unterminated strings, bad escapes, extra arguments, deep nesting', () => {
    expect(bad(() => args('"abc').quoted())).toBe('BAD');
    expect(bad(() => args('"a\\nb"').quoted())).toBe('BAD');
    expect(bad(() => { const r = args('x y'); r.atom(); r.end(); })).toBe('BAD');
    expect(bad(() => { const r = args('(((((a)))))'); const f = (): unknown => (r.peek() === '(' ? r.list(f) : r.atom()); f(); })).toBe('BAD');
    expect(bad(() => args('{').tag())).toBe('BAD');
  });
});

describe('sequence sets', () => {
  it('parses ranges, "*" and "$", and resolves them against a view', () => {
    const set = parseSequenceSet('2:4,7,9:*');
    expect(resolveSequenceNumbers(set, 10)).toEqual([2, 3, 4, 7, 9, 10]);
    expect(resolveUids(parseSequenceSet('5:*'), [1, 4, 8, 12])).toEqual([8, 12]);
    // "n:*" with n above every UID still names the highest one (RFC 9051 §6.4.8).
    expect(resolveUids(parseSequenceSet('100:*'), [1, 4, 8, 12])).toEqual([12]);
    expect(resolveSequenceNumbers(parseSequenceSet('1:*'), 0)).toEqual([]);
    expect(parseSequenceSet('$')).toEqual({ ranges: [], saved: true });
    expect(bad(() => parseSequenceSet('0'))).toBe('BAD');
    expect(bad(() => parseSequenceSet('1:,2'))).toBe('BAD');
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
  });
});

describe('FETCH items', () => {
  it('parses macros, sections, partials, BINARY and modifiers', () => {
    expect(parseFetchRequest(args('FAST')).items.map((i) => i.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    const req = parseFetchRequest(args('(UID BODY.PEEK[HEADER.FIELDS (From "Subject")] BODY[1.2.MIME]<10.20> BINARY.PEEK[2] BINARY.SIZE[2] BODY) (CHANGEDSINCE 42 VANISHED)'));
    expect(req.changedSince).toBe(42);
    expect(req.vanished).toBe(true);
    expect(req.items).toEqual([
      { kind: 'UID' },
      { kind: 'BODY[]', peek: true, section: { path: [], spec: 'HEADER.FIELDS', fields: ['From', 'Subject'] }, partial: null },
      { kind: 'BODY[]', peek: false, section: { path: [1, 2], spec: 'MIME', fields: [] }, partial: { start: 10, count: 20 } },
      { kind: 'BINARY[]', peek: true, section: { path: [2], spec: null, fields: [] }, partial: null },
      { kind: 'BINARY.SIZE', section: { path: [2], spec: null, fields: [] } },
      { kind: 'BODY' },
    ]);
    expect(bad(() => parseFetchRequest(args('(BODY[MIME])')))).toBe('BAD');
    expect(bad(() => parseFetchRequest(args('(FLAGS) (VANISHED)')))).toBe('BAD');
    expect(bad(() => parseFetchRequest(args('(NOPE)')))).toBe('BAD');
  });
});

describe('SEARCH keys', () => {
  it('parses RETURN, CHARSET, nested keys, OR/NOT, dates, sets and MODSEQ', () => {
    const req = parseSearchRequest(args('RETURN (MIN COUNT) CHARSET UTF-8 (OR FROM alice SUBJECT \u0001) NOT SEEN SINCE 1-Feb-2026 UID 1:5 2,4 LARGER 100 MODSEQ 7', ['Grüße']));
    expect(req.returnOptions).toEqual(['MIN', 'COUNT']);
    expect(req.key).toEqual({
      k: 'and',
      keys: [
        { k: 'or', a: { k: 'text', field: 'from', value: 'alice' }, b: { k: 'text', field: 'subject', value: 'Grüße' } },
        { k: 'not', key: { k: 'flag', flag: '\\Seen', set: true } },
        { k: 'date', which: 'internal', op: 'since', day: Date.UTC(2026, 1, 1) / 86_400_000 },
        { k: 'uid', set: { ranges: [[1, 5]], saved: false } },
        { k: 'seq', set: { ranges: [[2, 2], [4, 4]], saved: false } },
        { k: 'size', op: 'larger', n: 100 },
        { k: 'modseq', n: 7 },
      ],
    });
    expect(bad(() => parseSearchRequest(args('CHARSET KOI8-R ALL')))).toBe('NO');
    expect(bad(() => parseSearchRequest(args('BOGUS')))).toBe('BAD');
    expect(bad(() => parseSearchRequest(args('SINCE 31-Foo-2026')))).toBe('BAD');
  });
});

describe('dates', () => {
  it('parses and formats date-time with a zone', () => {
    expect(new Date(parseDateTime('17-Jul-1996 02:44:25 -0700')).toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(formatDateTime(Date.UTC(2026, 0, 5, 3, 4, 5))).toBe('"05-Jan-2026 03:04:05 +0000"');
  });
});
