import { describe, expect, it } from 'vitest';
import { evaluateRules, parseSize } from './evaluate-rules.ts';

const raw = Buffer.from('From: News <news@lists.test>\r\nTo: bob@example.test\r\nList-Id: <news.lists.test>\r\nSubject: =?utf-8?q?Caf=C3=A9_weekly?=\r\n\r\nbody\r\n');

describe('delivery rules', () => {
  it('files, flags and stops in order', () => {
    const out = evaluateRules(raw, [
      { id: 'lists', conditions: [{ header: 'list-id', op: 'exists' }], actions: { fileInto: 'Lists', addFlags: ['$list'] } },
      { id: 'cafe', conditions: [{ header: 'subject', op: 'contains', value: 'CAFÉ' }], actions: { addFlags: ['\\Flagged'], stop: true } },
      { id: 'never', conditions: [], actions: { discard: true } },
    ]);
    expect(out).toEqual({ fileInto: 'Lists', flags: ['$list', '\\Flagged'], discard: false, forwardTo: [], matched: ['lists', 'cafe'] });
  });

  it('needs every condition of a rule', () => {
    const out = evaluateRules(raw, [{ id: 'r', conditions: [{ header: 'from', op: 'contains', value: 'news@' }, { header: 'to', op: 'equals', value: 'someone@else' }], actions: { discard: true } }]);
    expect(out.matched).toEqual([]);
    expect(out.discard).toBe(false);
  });

  it('compares the size with K/M multipliers, and collects forward targets', () => {
    const big = Buffer.concat([raw, Buffer.alloc(2 * 1024 * 1024, 97)]);
    const rules = [
      { id: 'big', conditions: [{ header: 'size', op: 'over' as const, value: '1M' }], actions: { fileInto: 'Large', forwardTo: ['me@else.test'] } },
      { id: 'small', conditions: [{ header: 'size', op: 'under' as const, value: '10K' }], actions: { addFlags: ['$small'] } },
      { id: 'bad', conditions: [{ header: 'size', op: 'over' as const, value: 'lots' }], actions: { discard: true } },
    ];
    expect(evaluateRules(big, rules)).toMatchObject({ fileInto: 'Large', forwardTo: ['me@else.test'], flags: [], discard: false, matched: ['big'] });
    expect(evaluateRules(raw, rules)).toMatchObject({ fileInto: null, forwardTo: [], flags: ['$small'], matched: ['small'] });
    expect(parseSize('500K')).toBe(512_000);
    expect(parseSize('5 MB')).toBe(5 * 1024 * 1024);
    expect(parseSize('-1')).toBeUndefined();
  });
});
