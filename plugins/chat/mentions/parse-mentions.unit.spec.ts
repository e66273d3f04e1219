import { describe, expect, it } from 'vitest';
import { handleOf, parseMentions } from './parse-mentions.ts';

describe('parseMentions', () => {
  it('finds @names, @channel/@all and @here, not emails or code', () => {
    expect(parseMentions('hey @Bob and @alice.w, also @here')).toEqual({ names: ['bob', 'alice.w'], channel: false, here: true });
    expect(parseMentions('@all: deploy at 5')).toEqual({ names: [], channel: true, here: false });
    expect(parseMentions('write to bob@example.com or `@carol` or\n```\n@dave\n```')).toEqual({ names: [], channel: false, here: false });
  });
  it('uses the local part of the email as the handle', () => {
    expect(handleOf('Bob.Smith@Example.test')).toBe('bob.smith');
  });
});
