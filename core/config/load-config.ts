import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { options, type OptionName } from '../../config/options.ts';
import { ConfigError } from '../errors.ts';

export interface ResolvedConfig {
  dataDir: string;
  hostname: string;
  bind: string;
  httpPort: number;
  smtpPort: number;
  submissionPort: number;
  submissionsPort: number;
  imapPort: number;
  imapsPort: number;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  smarthost: string | undefined;
  databaseUrl: string | undefined;
  publicUrl: string;
  plugins: string[];
  retentionDays: number;
  logLevel: string;
  /** Plugin sections of the config file, by plugin id. */
  sections: Record<string, Record<string, unknown>>;
}

/** Resolves defaults ← config file (CAIRN_CONFIG) ← environment, with clear errors. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ResolvedConfig> = {}): ResolvedConfig {
  let file: Record<string, unknown> = {};
  if (env.CAIRN_CONFIG) {
    try {
      file = JSON.parse(readFileSync(env.CAIRN_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`cannot read the config file ${env.CAIRN_CONFIG}: ${(e as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError(`${env.CAIRN_CONFIG} must hold a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(options) as [OptionName, (typeof options)[OptionName]][]) {
    const fromEnv = env[spec.env];
    const raw: unknown = fromEnv !== undefined && fromEnv !== '' ? fromEnv : (file[name] ?? spec.default);
    out[name] = parse(name, spec.kind, raw, fromEnv !== undefined && fromEnv !== '' ? spec.env : name);
  }
  const sections: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(file)) {
    if (!(k in options) && typeof v === 'object' && v !== null && !Array.isArray(v)) sections[k] = v as Record<string, unknown>;
  }
  const cfg = { ...(out as Omit<ResolvedConfig, 'sections' | 'publicUrl'>), sections } as ResolvedConfig;
  cfg.dataDir = resolve(cfg.dataDir);
  cfg.publicUrl = (out.publicUrl as string | undefined) ?? `http://${cfg.hostname}:${cfg.httpPort}`;
  if (cfg.databaseUrl) {
    throw new ConfigError('CAIRN_DATABASE_URL is set, but the PostgreSQL dialect is not available yet; unset it to use the embedded SQLite database');
  }
  if ((cfg.tlsCert === undefined) !== (cfg.tlsKey === undefined)) throw new ConfigError('CAIRN_TLS_CERT and CAIRN_TLS_KEY go together: set both or neither');
  return { ...cfg, ...overrides };
}

function parse(name: string, kind: string, raw: unknown, source: string): unknown {
  if (raw === undefined) return undefined;
  switch (kind) {
    case 'port':
    case 'int': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      const max = kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
      if (!Number.isInteger(n) || n < 0 || n > max) throw new ConfigError(`${source} must be ${kind === 'port' ? 'a port number (0-65535)' : 'a non-negative integer'}, got "${String(raw)}"`);
      return n;
    }
    case 'list':
      if (Array.isArray(raw)) return raw.map(String);
      return String(raw).split(',').map((s) => s.trim()).filter(Boolean);
    default:
      if (typeof raw !== 'string') throw new ConfigError(`${source} (${name}) must be a string`);
      return raw;
  }
}
