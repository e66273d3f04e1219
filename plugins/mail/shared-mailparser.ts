// mailparser (with html-to-text and iconv tables) takes ~18 MB once loaded: load it when
// the first message is rendered, composed from or indexed, not at start.
import type { ParsedMail } from 'mailparser';
import type * as Mailparser from 'mailparser';

let module: Promise<typeof Mailparser> | undefined;

export async function simpleParser(source: Buffer | string, options?: Mailparser.SimpleParserOptions): Promise<ParsedMail> {
  const { simpleParser: parse } = await (module ??= import('mailparser'));
  return parse(source, options ?? {});
}
