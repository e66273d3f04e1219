import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[A-Z][A-Za-z0-9]*$/;

/** Every event type the appliance may append, with the schema its payload must satisfy. */
export class EventTypeRegistry {
  readonly #schemas = new Map<string, { owner: string; schema: z.ZodType }>();

  add(owner: string, type: string, schema: z.ZodType): void {
    if (!EVENT_TYPE_PATTERN.test(type)) throw new Error(`event type "${type}" (from ${owner}) must look like <plugin>.<PastTense>`);
    if (!type.startsWith(`${owner}.`)) throw new Error(`event type "${type}" must be prefixed with its owner "${owner}."`);
    const existing = this.#schemas.get(type);
    if (existing) throw new Error(`duplicate event type "${type}": declared by ${existing.owner} and ${owner}`);
    this.#schemas.set(type, { owner, schema });
  }

  has(type: string): boolean { return this.#schemas.has(type); }
  types(): string[] { return [...this.#schemas.keys()]; }

  /** Refuses unknown types and payloads that do not validate, before anything is written. */
  validate(type: string, data: unknown): void {
    const entry = this.#schemas.get(type);
    if (!entry) throw new ValidationError(`unknown event type "${type}"`);
    const r = entry.schema.safeParse(data);
    if (!r.success) {
      throw new ValidationError(`invalid payload for ${type}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { type });
    }
  }
}
