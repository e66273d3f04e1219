/** `/name args…` → its parts, or undefined when the text is a normal message (`//` escapes a leading slash). */
export function parseSlash(text: string): { name: string; args: string } | undefined {
  const m = /^\/([a-z][a-z0-9-]{0,31})(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return undefined;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() };
}
