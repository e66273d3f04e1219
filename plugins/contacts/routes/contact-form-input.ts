// The contact form (multipart) → ContactInput, with the photo checked and made a data: URI.
import { LimitExceededError, ValidationError } from '../../../core/errors.ts';
import { MAX_PHOTO_BYTES } from '../limits.ts';
import type { ContactInput } from '../vcard/build-vcard.ts';

export type FormBody = Record<string, string | File | (string | File)[]>;

export const many = (b: FormBody, k: string): string[] => {
  const v = b[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === 'string' ? x : ''));
};
export const one = (b: FormBody, k: string): string => many(b, k)[0] ?? '';

/** Image types by their first bytes: the browser's claimed type is not trusted. */
export function sniffImage(bytes: Uint8Array): string | undefined {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return 'image/gif';
  if (at(0) === 0x52 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x46 && at(8) === 0x57 && at(9) === 0x45 && at(10) === 0x42 && at(11) === 0x50) return 'image/webp';
  return undefined;
}

async function photoOf(b: FormBody): Promise<string | undefined> {
  if (one(b, 'photo_remove') === '1') return '';
  const file = b.photo;
  if (!(file instanceof File) || file.size === 0) return undefined;
  if (file.size > MAX_PHOTO_BYTES) throw new LimitExceededError(`a photo is limited to ${Math.round(MAX_PHOTO_BYTES / 1024)} KiB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImage(bytes);
  if (!type) throw new ValidationError('the photo must be a JPEG, PNG, GIF or WebP image');
  return `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;
}

export async function contactInputOf(b: FormBody): Promise<ContactInput> {
  const emails = many(b, 'email').map((value, i) => ({ value, type: many(b, 'email_type')[i] ?? '' }));
  const phones = many(b, 'phone').map((value, i) => ({ value, type: many(b, 'phone_type')[i] ?? '' }));
  for (const e of emails) if (e.value.trim() && !/^[^\s@]+@[^\s@]+$/.test(e.value.trim())) throw new ValidationError(`"${e.value.slice(0, 100)}" is not an email address`);
  const streets = many(b, 'adr_street');
  const addresses = streets.map((street, i) => ({
    street, locality: many(b, 'adr_locality')[i] ?? '', region: many(b, 'adr_region')[i] ?? '', postcode: many(b, 'adr_postcode')[i] ?? '',
    country: many(b, 'adr_country')[i] ?? '', type: many(b, 'adr_type')[i] ?? '',
  }));
  const input: ContactInput = {
    given: one(b, 'given'), family: one(b, 'family'), fn: one(b, 'fn'), nickname: one(b, 'nickname'),
    emails, phones, addresses, org: one(b, 'org'), title: one(b, 'title'), bday: one(b, 'bday'), note: one(b, 'note'), url: one(b, 'url'),
  };
  const photo = await photoOf(b);
  if (photo !== undefined) input.photo = photo;
  if (![input.given, input.family, input.fn, input.org, ...emails.map((e) => e.value), ...phones.map((p) => p.value)].some((s) => s?.trim())) {
    throw new ValidationError('a contact needs a name, a company, an email or a phone number');
  }
  if (input.bday && !/^\d{4}-\d{2}-\d{2}$/.test(input.bday)) throw new ValidationError('the birthday must be a date');
  if (input.url && !/^https?:\/\/\S+$/i.test(input.url.trim())) throw new ValidationError('the website must start with http:// or https://');
  return input;
}
