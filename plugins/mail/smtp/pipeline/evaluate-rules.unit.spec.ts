import { describe, expect, it } from 'vitest';
import { evaluateRules } from './evaluate-rules.ts';

const raw = Buffer.from('From: News <news@lists.test>\r\nTo: bob@example.test\r\nList-Id: <news.lists.test>\r\nSubject: =?utf-8?q?Caf=C3=A9_weekly?=\r\n\r\nbody\r\n');

describe('delivery rules', () => {
  it('files, flags and stops in order', () => {
    const out = evaluateRules(raw, [
      { id: 'lists', conditions: [{ header: 'list-id', op: 'exists' }], actions: { fileInto: 'Lists', addFlags: ['$list'] } },
      { id: 'cafe', conditions: [{ header: 'subject', op: 'contains', value: 'CAFÉ' }], actions: { addFlags: ['\\Flagged'], stop: true } },
      { id: 'never', conditions: [], actions: { discard: true } },
    ]);
    expect(out).toEqual({ fileInto: 'Lists', flags: ['$list', '\\Flagged'], discard: false, matched: ['lists', 'cafe'] });
  });

  it('needs every condition of a rule', () => {
    const out = evaluateRules(raw, [{ id: 'r', conditions: [{ header: 'from', op: 'contains', value: 'news@' }, { header: 'to', op: 'equals', value: 'someone@else' }], actions: { discard: true } }]);
    expect(out.matched).toEqual([]);
    expect(out.discard).toBe(false);
  });
});
