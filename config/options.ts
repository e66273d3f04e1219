// Every option of the appliance: its environment variable, its default and one line of
// documentation. The config file named by CAIRN_CONFIG (JSON) may set any of them by
// key; the environment wins over the file. Plugin sections live in the same file under
// the plugin's id.

export interface OptionSpec {
  env: string;
  default: string | number | string[] | undefined;
  kind: 'string' | 'port' | 'int' | 'list';
  doc: string;
}

export const options = {
  dataDir: { env: 'CAIRN_DATA_DIR', default: './data', kind: 'string', doc: 'Directory holding the database, blobs, TLS pair and other state.' },
  hostname: { env: 'CAIRN_HOSTNAME', default: 'localhost', kind: 'string', doc: 'Public host name: the first mail domain, TLS certificate name and links.' },
  bind: { env: 'CAIRN_BIND', default: '127.0.0.1', kind: 'string', doc: 'Address every listener binds to (0.0.0.0 to serve other machines).' },
  httpPort: { env: 'CAIRN_HTTP_PORT', default: 8080, kind: 'port', doc: 'Browser UI, DAV and APIs.' },
  smtpPort: { env: 'CAIRN_SMTP_PORT', default: 2525, kind: 'port', doc: 'Inbound MX (SMTP from other servers).' },
  submissionPort: { env: 'CAIRN_SUBMISSION_PORT', default: 2587, kind: 'port', doc: 'Mail submission with STARTTLS required before AUTH.' },
  submissionsPort: { env: 'CAIRN_SUBMISSIONS_PORT', default: 2465, kind: 'port', doc: 'Mail submission over implicit TLS.' },
  imapPort: { env: 'CAIRN_IMAP_PORT', default: 2143, kind: 'port', doc: 'IMAP with STARTTLS.' },
  imapsPort: { env: 'CAIRN_IMAPS_PORT', default: 2993, kind: 'port', doc: 'IMAP over implicit TLS.' },
  tlsCert: { env: 'CAIRN_TLS_CERT', default: undefined, kind: 'string', doc: 'PEM certificate chain; a self-signed pair is generated into the data directory when absent.' },
  tlsKey: { env: 'CAIRN_TLS_KEY', default: undefined, kind: 'string', doc: 'PEM private key matching CAIRN_TLS_CERT.' },
  smarthost: { env: 'CAIRN_SMARTHOST', default: undefined, kind: 'string', doc: 'Outbound relay URL (smtp://user:pass@host:587); direct MX delivery when absent.' },
  databaseUrl: { env: 'CAIRN_DATABASE_URL', default: undefined, kind: 'string', doc: 'postgres://… to use PostgreSQL instead of the embedded SQLite (not available yet).' },
  publicUrl: { env: 'CAIRN_PUBLIC_URL', default: undefined, kind: 'string', doc: 'Base URL people reach the UI at (links in mail); defaults to http://<hostname>:<httpPort>.' },
  plugins: { env: 'CAIRN_PLUGINS', default: ['mail', 'calendar', 'contacts', 'drive', 'chat', 'notes'], kind: 'list', doc: 'Plugins to enable: built-in ids or npm package names, comma-separated in the environment.' },
  retentionDays: { env: 'CAIRN_RETENTION_DAYS', default: 30, kind: 'int', doc: 'Restore window given to a new organization (0 turns restore off); the owner can change it later.' },
  logLevel: { env: 'CAIRN_LOG_LEVEL', default: 'info', kind: 'string', doc: 'trace, debug, info, warn, error or silent.' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof options;
