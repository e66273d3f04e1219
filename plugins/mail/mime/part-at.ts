// Resolves an IMAP section part number (RFC 9051 §6.4.5) to a node of the tree that
// indexMessage built, so a FETCH of BODY[<section>] is a slice of the raw message:
//   BODY[n…]        → raw[node.bodyStart, node.bodyEnd)
//   BODY[n….MIME]   → raw[node.headerStart, node.bodyStart)
//   BODY[n….HEADER] / [n….TEXT] → node.message.structure's header / body (only when
//                     node.message exists, i.e. a message/rfc822 or message/global part)
//   BODY[HEADER] / BODY[TEXT] (no number) → the root's header / body.
// A message that is not multipart has its body as part 1: for the top message,
// section '1' is the root itself; for an encapsulated one in part 2, '2.1' is
// part 2's message.structure.
import type { MimePart } from './types.ts';

/** The node for a section part number such as '1.2' ('' → the root); undefined when there is no such part. */
export function partAt(root: MimePart, section: string): MimePart | undefined {
  if (section === '') return root;
  const path = section.split('.').map(Number);
  if (path.some((n) => !Number.isInteger(n) || n < 1)) return undefined;
  return inMessage(root, path, 0);
}

/** `message` is a message root; path[i…] numbers its parts. */
function inMessage(message: MimePart, path: readonly number[], i: number): MimePart | undefined {
  const n = path[i]!;
  let node: MimePart | undefined;
  if (message.children) node = message.children[n - 1];
  else node = n === 1 ? message : undefined; // a non-multipart message's body is its part 1
  return node && within(node, path, i + 1);
}

/** `node` is the body part numbered path[0…i); path[i…] goes further in. */
function within(node: MimePart, path: readonly number[], i: number): MimePart | undefined {
  if (i === path.length) return node;
  if (node.children) {
    const child = node.children[path[i]! - 1];
    return child && within(child, path, i + 1);
  }
  if (node.message) return inMessage(node.message.structure, path, i);
  return undefined;
}
