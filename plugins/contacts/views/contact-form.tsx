// Create / edit a contact: the common fields, several emails, phones and addresses
// (the filled ones plus an empty row each), and a photo upload.
import { CsrfField } from '../../../ui/components/index.ts';
import type { BookView, CardDetail } from '../contacts-service.ts';
import { MAX_PHOTO_BYTES } from '../limits.ts';
import { bookUrl } from './contacts-shell.tsx';
import { Avatar } from './contact-list.tsx';

const EMAIL_TYPES = ['home', 'work', 'other'];
const PHONE_TYPES = ['cell', 'home', 'work', 'fax', 'other'];
const ADR_TYPES = ['home', 'work', 'other'];

function TypeSelect({ name, id, types, value }: { name: string; id: string; types: string[]; value: string | undefined }) {
  return (
    <div class="field">
      <label for={id}>Type</label>
      <select id={id} name={name}>
        <option value="">—</option>
        {types.map((t) => <option value={t} selected={value === t}>{t}</option>)}
      </select>
    </div>
  );
}

function Text({ label, name, id, value, type = 'text', maxlength = 500 }: { label: string; name: string; id?: string; value?: string; type?: string; maxlength?: number }) {
  const i = id ?? name;
  return <div class="field"><label for={i}>{label}</label><input id={i} name={name} type={type} value={value ?? ''} maxlength={maxlength} /></div>;
}

function isoBday(b: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(b);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
}

export function ContactForm({ book, card, csrfToken }: { book: BookView; card?: CardDetail; csrfToken: string }) {
  const f = card?.fields;
  const emails = [...(f?.emails ?? []), { value: '', types: [] as string[] }];
  const phones = [...(f?.phones ?? []), { value: '', types: [] as string[] }];
  const addresses = [...(f?.addresses ?? []), { value: '', types: [] as string[], parts: { street: '', locality: '', region: '', postcode: '', country: '' } }];
  const action = card ? bookUrl(book.id, `/c/${encodeURIComponent(card.cardId)}`) : bookUrl(book.id, '/new');
  const firstType = (t: string[], allowed: string[]) => t.find((x) => allowed.includes(x));
  return (
    <>
      <div class="contacts-head">
        <h1>{card ? `Edit ${card.fn}` : 'New contact'}</h1>
        <div class="contacts-actions"><a class="btn btn-small btn-ghost" href={card ? bookUrl(book.id, `/c/${encodeURIComponent(card.cardId)}`) : bookUrl(book.id)}>Cancel</a></div>
      </div>
      <form method="post" action={action} enctype="multipart/form-data" class="card">
        <CsrfField token={csrfToken} />
        {card ? <input type="hidden" name="etag" value={card.etag} /> : null}
        <div class="field-grid">
          <Text label="First name" name="given" value={f?.n.given} maxlength={200} />
          <Text label="Last name" name="family" value={f?.n.family} maxlength={200} />
          <Text label="Display name (optional)" name="fn" value={card && card.fn !== [f?.n.given, f?.n.family].filter(Boolean).join(' ') ? card.fn : ''} maxlength={300} />
          <Text label="Nickname" name="nickname" value={f?.nickname} maxlength={200} />
          <Text label="Company" name="org" value={f?.org} maxlength={300} />
          <Text label="Job title" name="title" value={f?.title} maxlength={300} />
        </div>
        <fieldset>
          <legend>Email</legend>
          {emails.map((e, i) => (
            <div class="multi-row">
              <Text label={`Email ${i + 1}`} name="email" id={`email-${i}`} type="email" value={e.value} maxlength={320} />
              <TypeSelect name="email_type" id={`email-type-${i}`} types={EMAIL_TYPES} value={firstType(e.types, EMAIL_TYPES)} />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Phone</legend>
          {phones.map((p, i) => (
            <div class="multi-row">
              <Text label={`Phone ${i + 1}`} name="phone" id={`phone-${i}`} type="tel" value={p.value} maxlength={100} />
              <TypeSelect name="phone_type" id={`phone-type-${i}`} types={PHONE_TYPES} value={firstType(p.types, PHONE_TYPES)} />
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Address</legend>
          {addresses.map((a, i) => (
            <div class="field-grid">
              <Text label="Street" name="adr_street" id={`adr-street-${i}`} value={a.parts.street} />
              <Text label="City" name="adr_locality" id={`adr-locality-${i}`} value={a.parts.locality} maxlength={200} />
              <Text label="Region" name="adr_region" id={`adr-region-${i}`} value={a.parts.region} maxlength={200} />
              <Text label="Postcode" name="adr_postcode" id={`adr-postcode-${i}`} value={a.parts.postcode} maxlength={50} />
              <Text label="Country" name="adr_country" id={`adr-country-${i}`} value={a.parts.country} maxlength={200} />
              <TypeSelect name="adr_type" id={`adr-type-${i}`} types={ADR_TYPES} value={firstType(a.types, ADR_TYPES)} />
            </div>
          ))}
        </fieldset>
        <div class="field-grid">
          <Text label="Birthday" name="bday" type="date" value={f ? isoBday(f.bday) : ''} maxlength={10} />
          <Text label="Website" name="url" type="url" value={f?.urls[0]} maxlength={2000} />
        </div>
        <div class="field"><label for="note">Notes</label><textarea id="note" name="note" rows={4} maxlength={10000}>{f?.note ?? ''}</textarea></div>
        <fieldset>
          <legend>Photo</legend>
          {card?.hasPhoto ? <div class="row"><Avatar c={card} large /><label class="check"><input type="checkbox" name="photo_remove" value="1" /> Remove the photo</label></div> : null}
          <div class="field">
            <label for="photo">{card?.hasPhoto ? 'Replace with' : 'Upload'} (JPEG, PNG, GIF or WebP, at most {Math.round(MAX_PHOTO_BYTES / 1024)} KiB)</label>
            <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/gif,image/webp" />
          </div>
        </fieldset>
        <div class="form-actions"><button class="btn" type="submit">{card ? 'Save' : 'Create contact'}</button></div>
      </form>
    </>
  );
}
