/** The hidden form field every state-changing form carries (checked by core/http/csrf.ts). */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}
