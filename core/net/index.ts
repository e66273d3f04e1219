// Public API of core/net: the TCP/TLS listener the line protocols (SMTP, IMAP) build on,
// and the TLS pair they serve.
export {
  createListener,
  normalizeAddress,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  TLS_HANDSHAKE_TIMEOUT_MS,
  TLS_MIN_VERSION,
  type Connection,
  type Listener,
  type ListenerLogger,
  type ListenerOptions,
  type RejectReason,
} from './listener.ts';
export { loadOrCreateTlsPair, TlsPairError, type TlsPair, type TlsPairOptions } from './tls-pair.ts';
