import { pino } from 'pino';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** JSON lines on stderr (stdout stays for command output), level from CAIRN_LOG_LEVEL. */
export function createLogger(level = process.env.CAIRN_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'cairn' } }, pino.destination(2)) as unknown as Logger;
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' }) as unknown as Logger;
}
