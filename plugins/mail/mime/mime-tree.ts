// Implementation notes — the MIME structure of a message, as absolute byte ranges.
// - Every MimePart has headerStart ≤ bodyStart ≤ bodyEnd inside the raw message, so
//   BODY[<section>], .MIME, .HEADER and .TEXT are slices, never re-encodings.
// - A part inside a multipart runs from after its delimiter line to before the line
//   break that precedes the next delimiter (that CRLF belongs to the delimiter,
//   RFC 2046 §5.1.1); preamble and epilogue belong to no part.
// - Delimiters are found by prefix at the start of a line, as RFC 2046 §5.1.1's note
//   to implementors asks, with Buffer.indexOf over a view of the enclosing body: each
//   level is one native scan, never per-character string building.
// - Numbering (RFC 9051 §6.4.5): the root is '' and a message root's parts are
//   1, 2, …; the parts of an encapsulated message are numbered under the
//   message/rfc822 part ('2.1', '2.2'). A message root carries the number it is
//   addressed by for HEADER/TEXT ('' for the top, '2' for the one inside part 2); when
//   it is not multipart its body is its part 1 (see part-at.ts).
// - Shapes the tree guarantees, so BODYSTRUCTURE can always be written: a multipart/*
//   node has at least one child; a message/rfc822 or message/global node has
//   `message`. What cannot keep that shape is demoted: a multipart without boundary
//   or without any delimiter becomes text/plain; a multipart or message past the depth
//   or part limit, or a message/rfc822 with a base64/quoted-printable encoding (not
//   allowed by RFC 2046 §5.2.1), becomes application/octet-stream.
// - Lines (for text/* and message/*) count line breaks in the body, plus one for a
//   last line without one.
import { buildEnvelope } from './envelope.ts';
import { parseContentType, parseDisposition, parseEncoding, parseLanguage } from './content-fields.ts';
import { field, readHeaderBlock } from './header-block.ts';
import { capOrNull, type IndexLimits } from './limits.ts';
import type { Envelope, MimePart } from './types.ts';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

interface Ctx { raw: Buffer; limits: IndexLimits; parts: number }

export interface ParsedMessage {
  envelope: Envelope;
  structure: MimePart;
  /** The top-level header fields (for the decoded index fields). */
  fields: Map<string, string[]>;
}

export function parseMessage(raw: Buffer, limits: IndexLimits): ParsedMessage {
  return parseMessageAt({ raw, limits, parts: 0 }, 0, raw.length, '', 0);
}

function parseMessageAt(ctx: Ctx, start: number, end: number, part: string, depth: number): ParsedMessage {
  const { node, fields } = parseEntity(ctx, start, end, part, depth, 'text/plain', true);
  return { envelope: buildEnvelope(fields, ctx.limits), structure: node, fields };
}

function parseEntity(
  ctx: Ctx, start: number, end: number, part: string, depth: number,
  fallbackType: 'text/plain' | 'message/rfc822', messageRoot: boolean,
): { node: MimePart; fields: Map<string, string[]> } {
  ctx.parts++;
  const { limits } = ctx;
  const { bodyStart, fields } = readHeaderBlock(ctx.raw, start, end);
  const ct = parseContentType(field(fields, 'content-type'), fallbackType, limits);
  const node: MimePart = {
    part,
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    contentType: ct.type,
    params: ct.params,
    id: capOrNull(field(fields, 'content-id'), limits),
    description: capOrNull(field(fields, 'content-description'), limits),
    encoding: parseEncoding(field(fields, 'content-transfer-encoding')),
    disposition: parseDisposition(field(fields, 'content-disposition'), limits),
    language: parseLanguage(field(fields, 'content-language'), limits),
    location: capOrNull(field(fields, 'content-location'), limits),
    md5: capOrNull(field(fields, 'content-md5'), limits),
    lines: 0,
  };
  const canNest = depth < limits.maxDepth && ctx.parts < limits.maxParts;
  if (node.contentType.startsWith('multipart/')) {
    const boundary = node.params.boundary;
    const children = canNest && boundary ? parseMultipart(ctx, node, boundary, depth) : [];
    if (children.length > 0) node.children = children;
    else node.contentType = canNest ? 'text/plain' : 'application/octet-stream';
  } else if (node.contentType === 'message/rfc822' || node.contentType === 'message/global') {
    if (canNest && IDENTITY_ENCODINGS.has(node.encoding)) {
      // A message root that is itself message/rfc822 is addressed through its body, part 1.
      const inner = parseMessageAt(ctx, bodyStart, end, messageRoot ? childPart(part, 1) : part, depth + 1);
      node.message = { envelope: inner.envelope, structure: inner.structure };
    } else {
      node.contentType = 'application/octet-stream';
    }
  }
  if (node.contentType.startsWith('text/') || node.message) node.lines = countLines(ctx.raw, bodyStart, end);
  return { node, fields };
}

function parseMultipart(ctx: Ctx, node: MimePart, boundary: string, depth: number): MimePart[] {
  const { raw, limits } = ctx;
  const base = node.bodyStart;
  const view = raw.subarray(base, node.bodyEnd);
  const delimiter = Buffer.from(`--${boundary}`, 'utf8');
  const needle = Buffer.concat([Buffer.of(LF), delimiter]);
  const fallback = node.contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  const children: MimePart[] = [];

  /** Adds the part [from, to) (relative); false once the part limit made it the opaque rest of the body. */
  const add = (from: number, to: number): boolean => {
    const number = childPart(node.part, children.length + 1);
    if (ctx.parts >= limits.maxParts) {
      // Beyond the limit: the rest of this body is one part that is not looked into.
      children.push(parseEntity(ctx, base + from, base + view.length, number, Number.POSITIVE_INFINITY, fallback, false).node);
      return false;
    }
    children.push(parseEntity(ctx, base + from, base + to, number, depth + 1, fallback, false).node);
    return true;
  };

  let at = view.length >= delimiter.length && view.subarray(0, delimiter.length).equals(delimiter) ? 0 : nextDelimiter(view, needle, 0);
  let partStart = -1;
  while (at !== -1) {
    if (partStart !== -1) {
      let partEnd = at;
      if (partEnd > 0 && view[partEnd - 1] === LF) partEnd--;
      if (partEnd > 0 && view[partEnd - 1] === CR) partEnd--;
      if (!add(partStart, Math.max(partStart, partEnd))) return children;
    }
    const after = at + delimiter.length;
    if (view[after] === DASH && view[after + 1] === DASH) return children; // close delimiter: the rest is epilogue
    const nl = view.indexOf(LF, after);
    partStart = nl === -1 ? view.length : nl + 1;
    // From the delimiter line's own LF, so that a delimiter right after it is found.
    at = nextDelimiter(view, needle, partStart - 1);
  }
  if (partStart !== -1) add(partStart, view.length); // no close delimiter: the last part runs to the end
  return children;
}

/** Offset of the "--" of the next delimiter line at or after `from` (searching "\n--boundary"), or -1. */
function nextDelimiter(view: Buffer, needle: Buffer, from: number): number {
  if (from >= view.length) return -1;
  const k = view.indexOf(needle, from);
  return k === -1 ? -1 : k + 1;
}

function childPart(parent: string, n: number): string {
  return parent === '' ? String(n) : `${parent}.${n}`;
}

export function countLines(raw: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  const view = raw.subarray(start, end);
  let lines = 0;
  let i = view.indexOf(LF);
  while (i !== -1) {
    lines++;
    i = view.indexOf(LF, i + 1);
  }
  return view[view.length - 1] === LF ? lines : lines + 1;
}
