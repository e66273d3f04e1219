import { describe, expect, it } from 'vitest';
import { parseSlash } from './parse-slash.ts';

describe('parseSlash', () => {
  it('splits a command from its arguments and leaves ordinary text alone', () => {
    expect(parseSlash('/join ~random')).toEqual({ name: 'join', args: '~random' });
    expect(parseSlash('/DND')).toEqual({ name: 'dnd', args: '' });
    expect(parseSlash('/status 🌴 out\nuntil monday')).toEqual({ name: 'status', args: '🌴 out\nuntil monday' });
    expect(parseSlash('//not a command')).toBeUndefined();
    expect(parseSlash('/usr/bin is a path')).toBeUndefined();
    expect(parseSlash('hello /join')).toBeUndefined();
  });
});
