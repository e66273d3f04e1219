// `npx cairn <command>` — the operator's interface (DESIGN.md "The operator's interface").
// Every command works on an empty or missing data directory: opening the appliance
// initializes it exactly as `start` does.
import { readFileSync } from 'node:fs';
import { openAppliance, type Appliance } from '../core/appliance.ts';
import { loadConfig } from '../core/config/load-config.ts';
import { isCairnError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { backupInstance } from '../core/restore/backup.ts';
import { collectBlobGarbage } from '../core/restore/blob-gc.ts';
import { restoreInstance } from '../core/restore/instance-restore.ts';
import { parseRestorePoint } from '../core/restore/restore-point.ts';
import type { Role } from '../core/identity/auth-service.ts';

const CLI_ACTOR = { actor: 'cli', source: 'cli' } as const;

const HELP = `Usage: cairn <command> [options]

  start                                   run the appliance (HTTP, SMTP, IMAP, DAV)
  domain add <domain> | domain list
  user add <email> [--password <pw> | --password-stdin] [--name <name>] [--role owner|admin|user|guest]
  user list
  user passwd <email> [--password <pw> | --password-stdin]
  user remove <email>
  app-password create <email> [--label <label>]
  app-password list <email>
  app-password revoke <email> <id> | app-password revoke <email> --all
  rebuild [projection ...]                rebuild read models by replaying the log
  restore --at <ISO time|position> --out <dir>   build a data directory as of that moment
  backup --out <dir>                      consistent online copy of the data directory
  gc                                      delete blobs nothing references any more
  retention [days]                        show or set the restore window (0 turns restore off)

Environment: CAIRN_DATA_DIR (./data), CAIRN_CONFIG, CAIRN_HOSTNAME, CAIRN_BIND, CAIRN_*_PORT, ...
(config/options.ts lists every option).`;

class UsageError extends Error {}

interface Args { positional: string[]; flags: Map<string, string | true> }

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags.set(k, v);
      else if (['password-stdin', 'all', 'help'].includes(k)) flags.set(k, true);
      else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`--${k} needs a value`);
        flags.set(k, next);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

function flag(args: Args, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function readPassword(args: Args): string | undefined {
  if (args.flags.get('password-stdin') === true) {
    const input = readFileSync(0, 'utf8');
    const pw = input.replace(/\r?\n$/, '');
    if (!pw) throw new UsageError('--password-stdin: nothing was read from standard input');
    return pw;
  }
  return flag(args, 'password');
}

async function withAppliance<T>(fn: (a: Appliance) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const a = await openAppliance(config, { logger: createLogger(process.env.CAIRN_LOG_LEVEL ?? 'warn') });
  try {
    if (a.createdOwner) printOwner(a);
    return await fn(a);
  } finally {
    await a.projections.settle();
    await a.close();
  }
}

function printOwner(a: Appliance, base = a.config.publicUrl): void {
  const o = a.createdOwner!;
  console.log('Created the organization and its owner account.');
  console.log(`  Log in at ${base}/login as ${o.email}`);
  console.log(`  Password: ${o.password}`);
  console.log('  (shown once; change it on the account page or with `npx cairn user passwd`)');
}

async function userId(a: Appliance, email: string): Promise<string> {
  const u = await a.auth.userByEmail(email);
  if (!u) throw new UsageError(`no user ${email}`);
  return u.id;
}

async function start(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const a = await openAppliance(config, { logger });
  console.log(`Cairn — data in ${config.dataDir}`);
  const listening = await a.start();
  // With an ephemeral port (0) the configured URL is no use: point at the real address.
  const http = listening.find((l) => l.name === 'http')!.address;
  if (a.createdOwner) printOwner(a, config.httpPort === 0 && !process.env.CAIRN_PUBLIC_URL ? http : config.publicUrl);
  for (const l of listening) console.log(`listening ${l.name} ${l.address}`);
  console.log('Ready.');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await a.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [cmd, sub, ...rest] = args.positional;
  if (!cmd || cmd === 'help' || args.flags.has('help')) { console.log(HELP); return cmd ? 0 : 1; }
  switch (cmd) {
    case 'start':
      await start();
      return -1; // keep running
    case 'domain':
      return withAppliance(async (a) => {
        if (sub === 'add' && rest[0]) { await a.identity.addDomain(rest[0], CLI_ACTOR); console.log(`Added domain ${rest[0].toLowerCase()}`); return 0; }
        if (sub === 'list') { for (const d of await a.identity.listDomains()) console.log(d); return 0; }
        throw new UsageError('domain add <domain> | domain list');
      });
    case 'user':
      return withAppliance(async (a) => {
        if (sub === 'add' && rest[0]) {
          const role = flag(args, 'role') as Role | undefined;
          if (role && !['owner', 'admin', 'user', 'guest'].includes(role)) throw new UsageError('--role must be owner, admin, user or guest');
          const pw = readPassword(args);
          const { user, password } = await a.identity.addUser({ email: rest[0], ...(pw ? { password: pw } : {}), ...(flag(args, 'name') ? { displayName: flag(args, 'name')! } : {}), ...(role ? { role } : {}) }, CLI_ACTOR);
          console.log(`Added ${user.role} ${user.email} (${user.id})`);
          if (!pw) console.log(`Password: ${password}`);
          return 0;
        }
        if (sub === 'list') {
          for (const u of await a.identity.listUsers()) console.log(`${u.email}\t${u.role}\t${u.displayName}\t${u.id}`);
          return 0;
        }
        if (sub === 'passwd' && rest[0]) {
          const id = await userId(a, rest[0]);
          const pw = readPassword(args);
          if (!pw) throw new UsageError('user passwd <email> --password <pw> | --password-stdin');
          await a.identity.setPassword(id, pw, CLI_ACTOR);
          console.log(`Password changed for ${rest[0]}; their browser sessions were signed out`);
          return 0;
        }
        if (sub === 'remove' && rest[0]) {
          await a.identity.removeUser(await userId(a, rest[0]), CLI_ACTOR);
          console.log(`Removed ${rest[0]}`);
          return 0;
        }
        throw new UsageError('user add|list|passwd|remove (see cairn help)');
      });
    case 'app-password':
      return withAppliance(async (a) => {
        if (!rest[0]) throw new UsageError('app-password create|list|revoke <email> …');
        const id = await userId(a, rest[0]);
        if (sub === 'create') {
          const created = await a.identity.createAppPassword(id, flag(args, 'label') ?? 'cli', CLI_ACTOR);
          console.log(`App password ${created.id} for ${rest[0]}: ${created.password}`);
          return 0;
        }
        if (sub === 'list') {
          for (const p of await a.identity.listAppPasswords(id)) {
            console.log(`${p.id}\t${p.label}\tcreated ${p.createdAt}\tlast used ${p.lastUsedAt ?? 'never'}${p.lastUsedIp ? ` from ${p.lastUsedIp}` : ''}`);
          }
          return 0;
        }
        if (sub === 'revoke') {
          if (args.flags.get('all') === true) { console.log(`Revoked ${await a.identity.revokeAllAppPasswords(id, CLI_ACTOR)} app passwords`); return 0; }
          if (!rest[1]) throw new UsageError('app-password revoke <email> <id> | --all');
          await a.identity.revokeAppPassword(id, rest[1], CLI_ACTOR);
          console.log(`Revoked ${rest[1]}`);
          return 0;
        }
        throw new UsageError('app-password create|list|revoke');
      });
    case 'rebuild':
      return withAppliance(async (a) => {
        const names = [sub, ...rest].filter((x): x is string => Boolean(x));
        const t0 = performance.now();
        const done = await a.projections.rebuild(names);
        for (const d of done) console.log(`rebuilt ${d.name} from ${d.events} events`);
        console.log(`in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
        return 0;
      });
    case 'restore': {
      const at = flag(args, 'at');
      const out = flag(args, 'out');
      if (!at || !out) throw new UsageError('restore --at <ISO time|position> --out <dir>');
      const config = loadConfig();
      const r = await restoreInstance({ config, at: parseRestorePoint(at), outDir: out, logger: createLogger('warn') });
      console.log(`Restored ${r.events} events (up to position ${r.position}, ${new Date(r.recordedAt ?? 0).toISOString()}) and ${r.blobs} blobs into ${r.outDir} in ${(r.ms / 1000).toFixed(2)} s`);
      console.log(`Start it with CAIRN_DATA_DIR=${r.outDir} npx cairn start`);
      return 0;
    }
    case 'backup': {
      const out = flag(args, 'out');
      if (!out) throw new UsageError('backup --out <dir>');
      const r = await backupInstance({ dataDir: loadConfig().dataDir, outDir: out });
      console.log(`Backed up ${r.events} events and ${r.blobs} blobs into ${r.outDir} in ${(r.ms / 1000).toFixed(2)} s`);
      return 0;
    }
    case 'retention':
      return withAppliance(async (a) => {
        if (sub !== undefined) {
          if (!/^\d+$/.test(sub)) throw new UsageError('retention <days> takes a whole number of days');
          await a.identity.setRetention(Number(sub), CLI_ACTOR);
        }
        const days = await a.auth.retentionDays();
        console.log(days === 0 ? 'Restore is off (retention 0 days)' : `Retention: ${days} days`);
        return 0;
      });
    case 'gc':
      return withAppliance(async (a) => {
        const r = await collectBlobGarbage(a);
        console.log(`Examined ${r.examined} blobs, deleted ${r.deleted} (${r.bytesFreed} bytes)`);
        return 0;
      });
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) { console.error(`cairn: ${e.message}\n\n${HELP}`); process.exitCode = 2; return; }
    if (isCairnError(e)) { console.error(`cairn: ${e.message}`); process.exitCode = 1; return; }
    console.error(`cairn: ${(e as Error)?.message ?? e}`);
    if (process.env.CAIRN_DEBUG) console.error(e);
    process.exitCode = 1;
  },
);
