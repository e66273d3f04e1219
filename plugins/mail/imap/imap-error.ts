// The two kinds of error a command can end with on the wire (the third kind, a server
// error, is anything else thrown: logged and answered NO [SERVERBUG] without details).

/** A response code of RFC 5530 / RFC 9051 §7.1 (without brackets), possibly with arguments. */
export type ResponseCode = string;

export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    readonly code: ResponseCode | null,
    message: string,
  ) {
    super(message);
    this.name = 'ImapError';
  }
}

/** Syntax error: the command could not be understood (BAD, RFC 9051 §7.1.5). */
export function badSyntax(text: string, code: ResponseCode | null = null): ImapError {
  return new ImapError('BAD', code, text);
}

/** User error: understood but refused (NO, RFC 9051 §7.1.2), with a response code. */
export function refused(code: ResponseCode | null, text: string): ImapError {
  return new ImapError('NO', code, text);
}
