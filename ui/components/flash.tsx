import type { Child } from 'hono/jsx';

export type FlashKind = 'success' | 'error' | 'info' | 'warning';

export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

/** A status message; errors are announced immediately (role=alert), the rest politely. */
export function Flash({ kind, children }: { kind: FlashKind; children?: Child }) {
  return (
    <div class={`flash flash-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** Renders a flash message when there is one. */
export function MaybeFlash({ message }: { message: FlashMessage | undefined }) {
  return message ? <Flash kind={message.kind}>{message.text}</Flash> : null;
}
