// AUTHENTICATE PLAIN (RFC 9051 §6.2.2, RFC 4616) with an initial response (SASL-IR, RFC 4959).
import { badSyntax, refused } from '../imap-error.ts';
import { NOT_AUTHENTICATED, defineCommand } from './command.ts';
import { completeLogin, requireTls } from './login-flow.ts';

export const authenticateCommand = defineCommand({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  parse(r) {
    r.sp();
    const mechanism = r.atom('a SASL mechanism').toUpperCase();
    let initial: string | null = null;
    if (r.accept(' ')) initial = r.atom('an initial response');
    r.end();
    return { mechanism, initial };
  },
  async run(s, { mechanism, initial }) {
    requireTls(s);
    if (mechanism !== 'PLAIN') throw refused('CANNOT', `Mechanism ${mechanism.slice(0, 20)} not supported`);
    let response = initial;
    if (response === null) {
      // RFC 9051 §7.5: an empty challenge; the client answers with one base64 line.
      s.out.write('+ \r\n');
      await s.out.flush();
      const unit = await s.nextUnit();
      if (!unit) return null;
      response = unit.kind === 'command' && unit.parts.length === 1 && unit.parts[0]!.kind === 'text' ? unit.parts[0]!.text.trim() : '';
    }
    // RFC 4959 §3: "=" is an empty initial response; "*" cancels (RFC 9051 §6.2.2).
    if (response === '*') throw badSyntax('Authentication cancelled');
    if (response === '=') response = '';
    if (!/^[A-Za-z0-9+/]*=*$/.test(response)) throw badSyntax('Invalid base64 in SASL response');
    const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) throw badSyntax('Malformed PLAIN response');
    const [authz, login, password] = parts as [string, string, string];
    // RFC 4616 §2: acting as someone else (authzid differs) is not offered.
    if (authz !== '' && authz !== login) throw refused('AUTHORIZATIONFAILED', 'Authorization identity must match');
    return completeLogin(s, login, password);
  },
});
