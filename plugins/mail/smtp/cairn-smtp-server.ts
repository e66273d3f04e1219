// smtp-server with three behaviours changed, each in a small override, everything else as shipped.
//
// Implementation notes
//
// 1. The greeting pause. smtp-server waits a fixed 100 ms before the 220 greeting of
//    every connection (an "early talker" trap: RFC 5321 §4.3.1 says a client waits for
//    the greeting, spam bots often do not). The pause has no option. It costs each
//    connection 100 ms of wall time, so 20 parallel senders that open one connection
//    per message top out near 200 messages/s whatever the server could do. Cairn makes
//    the pause a per-server number (`greetingDelayMs`, 0 = greet as soon as onConnect
//    has accepted the client). A client that still talks before the greeting is
//    answered "421 You talk too soon" by smtp-server as before.
// 2. Enhanced status codes (RFC 2034, RFC 3463). With ENHANCEDSTATUSCODES advertised,
//    smtp-server derives the code from the basic reply code (550 → 5.1.1). A reply
//    whose text already starts with an enhanced code (our SmtpReply messages) is sent
//    as it is, so "554 5.7.1 Relay access denied" does not become "554 5.6.0 5.7.1 …".
// 3. AUTH before TLS on the submission port (RFC 8314 §3.3 / RFC 4954 §4: no
//    credentials over cleartext). smtp-server refuses AUTH before STARTTLS but still
//    lists it in EHLO and answers with the non-standard 538. With `hideAuthBeforeTls`
//    the AUTH capability is left out of the EHLO reply until TLS is up, and 538 is sent
//    as RFC 3207 §4's "530 5.7.0 Must issue a STARTTLS command first". AUTH stays a
//    supported command, so smtp-server's own "530 authentication required" for MAIL
//    before AUTH keeps working.
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';
import { ENHANCED_CODE_RE } from './smtp-reply.ts';

export interface CairnSmtpServerOptions extends SMTPServerOptions {
  /** Pause before the 220 greeting; 0 greets at once. */
  greetingDelayMs: number;
  /** Leave AUTH out of EHLO until the connection uses TLS (submission on the STARTTLS port). */
  hideAuthBeforeTls?: boolean;
}

export class CairnSmtpServer extends SMTPServer {
  readonly greetingDelayMs: number;
  readonly hideAuthBeforeTls: boolean;

  constructor(options: CairnSmtpServerOptions) {
    const { greetingDelayMs, hideAuthBeforeTls, ...rest } = options;
    super(rest);
    this.greetingDelayMs = greetingDelayMs;
    this.hideAuthBeforeTls = hideAuthBeforeTls ?? false;
  }

  // Same as SMTPServer.connect, with our connection class.
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new CairnSmtpConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data: Parameters<SMTPServer['_onClientConnect']>[0]) => this._onClientConnect(data));
    connection.init();
  }
}

class CairnSmtpConnection extends SMTPConnection {
  // Same as SMTPConnection.init, with the configurable pause instead of the fixed 100 ms.
  override init(): void {
    this._setListeners(() => {
      const server = this._server as CairnSmtpServer;
      if (server.options.maxClients && server.connections.size > server.options.maxClients) {
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      if (server.greetingDelayMs <= 0) {
        this.connectionReady();
        return;
      }
      setTimeout(() => this.connectionReady(), server.greetingDelayMs).unref();
    });
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const server = this._server as CairnSmtpServer;
    if (typeof data === 'string' && ENHANCED_CODE_RE.test(data)) {
      super.send(code, data, false);
      return;
    }
    if (code === 538) {
      super.send(530, '5.7.0 Must issue a STARTTLS command first', false);
      return;
    }
    if (code === 250 && Array.isArray(data) && server.hideAuthBeforeTls && !this.secure) {
      super.send(code, data.filter((line, i) => i === 0 || !/^AUTH\b/i.test(line)), context);
      return;
    }
    super.send(code, data, context);
  }
}
