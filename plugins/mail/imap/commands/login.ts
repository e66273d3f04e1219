// LOGIN (RFC 9051 §6.2.3): refused before TLS on the STARTTLS port (LOGINDISABLED).
import { NOT_AUTHENTICATED, defineCommand } from './command.ts';
import { completeLogin, requireTls } from './login-flow.ts';

export const loginCommand = defineCommand({
  name: 'LOGIN',
  states: NOT_AUTHENTICATED,
  parse(r) {
    r.sp();
    const login = r.astring('a user name');
    r.sp();
    const password = r.astring('a password');
    r.end();
    return { login, password };
  },
  async run(s, { login, password }) {
    requireTls(s);
    return completeLogin(s, login, password);
  },
});
