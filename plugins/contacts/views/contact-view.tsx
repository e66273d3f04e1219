import { CsrfField } from '../../../ui/components/index.ts';
import type { BookView, CardDetail, GroupSummary } from '../contacts-service.ts';
import { bookUrl } from './contacts-shell.tsx';
import { Avatar } from './contact-list.tsx';

const Types = ({ t }: { t: string[] }) => (t.length > 0 ? <span class="types">{t.filter((x) => x !== 'pref').join(', ')}</span> : null);

function birthday(b: string): string {
  const full = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(b);
  if (full) return `${full[1]}-${full[2]}-${full[3]}`;
  const noYear = /^--(\d{2})-?(\d{2})/.exec(b);
  return noYear ? `${noYear[1]}-${noYear[2]} (no year)` : b;
}

export function ContactView({ book, card, groups, csrfToken, presence = new Map() }: { book: BookView; card: CardDetail; groups: GroupSummary[]; csrfToken: string; presence?: ReadonlyMap<string, string> }) {
  const f = card.fields;
  const writable = book.right !== 'read' && book.kind !== 'directory';
  const url = (rest: string) => bookUrl(book.id, `/c/${encodeURIComponent(card.cardId)}${rest}`);
  const memberOf = new Set(card.groups.map((g) => g.cardId));
  return (
    <>
      <div class="contacts-head">
        <h1>{card.fn || '(no name)'}</h1>
        <div class="contacts-actions">
          <a class="btn btn-small btn-ghost" href={bookUrl(book.id)}>← {book.displayName}</a>
          {writable ? <a class="btn btn-small" href={url('/edit')}>Edit</a> : null}
          {book.kind !== 'directory' ? <a class="btn btn-small btn-secondary" href={bookUrl(book.id, `/export?card=${encodeURIComponent(card.cardId)}`)} download>Export</a> : null}
        </div>
      </div>
      <section class="card contact-card" data-card-id={card.cardId}>
        <Avatar c={card} large />
        <dl>
          {card.kind === 'group' ? <><dt>Kind</dt><dd>Group</dd></> : null}
          {f.nickname ? <><dt>Nickname</dt><dd>{f.nickname}</dd></> : null}
          {f.org || f.title ? <><dt>Work</dt><dd>{[f.title, f.org].filter(Boolean).join(', ')}</dd></> : null}
          {f.emails.map((e) => {
            const p = presence.get(e.value.toLowerCase());
            return <><dt>Email</dt><dd>{p ? <><span class={`presence presence-${p}`} role="img" aria-label={p}></span>{' '}</> : null}<a href={`mailto:${e.value}`}>{e.value}</a><Types t={e.types} /></dd></>;
          })}
          {f.phones.map((p) => <><dt>Phone</dt><dd><a href={`tel:${p.value.replace(/[^0-9+*#]/g, '')}`}>{p.value}</a><Types t={p.types} /></dd></>)}
          {f.addresses.map((a) => <><dt>Address</dt><dd>{[a.parts.street, [a.parts.postcode, a.parts.locality].filter(Boolean).join(' '), a.parts.region, a.parts.country].filter(Boolean).join('\n')}<Types t={a.types} /></dd></>)}
          {f.bday ? <><dt>Birthday</dt><dd>{birthday(f.bday)}</dd></> : null}
          {f.urls.map((u) => <><dt>Website</dt><dd>{/^https?:\/\//i.test(u) ? <a href={u} rel="noopener noreferrer nofollow" target="_blank">{u}</a> : u}</dd></>)}
          {f.note ? <><dt>Notes</dt><dd>{f.note}</dd></> : null}
          {card.kind === 'group' ? <><dt>Members</dt><dd>{f.members.length}</dd></> : null}
          {card.groups.length > 0 ? <><dt>Groups</dt><dd>{card.groups.map((g) => g.fn).join(', ')}</dd></> : null}
        </dl>
      </section>
      {writable && card.kind === 'individual' && groups.length > 0 ? (
        <section class="card">
          <header><h2>Groups</h2></header>
          <form method="post" action={url('/groups')}>
            <CsrfField token={csrfToken} />
            {groups.map((g) => (
              <label class="check"><input type="checkbox" name="group" value={g.cardId} checked={memberOf.has(g.cardId)} /> {g.fn}</label>
            ))}
            <button class="btn btn-small btn-secondary" type="submit">Save groups</button>
          </form>
        </section>
      ) : null}
      {writable && card.kind === 'group' ? (
        <section class="card">
          <header><h2>Group</h2></header>
          <form method="post" action={bookUrl(book.id, `/groups/${encodeURIComponent(card.cardId)}/rename`)} class="row">
            <CsrfField token={csrfToken} />
            <div class="field"><label for="group-name">Name</label><input id="group-name" name="name" value={card.fn} required maxlength={200} /></div>
            <button class="btn btn-secondary" type="submit">Rename</button>
          </form>
          <p><a href={bookUrl(book.id, `?group=${encodeURIComponent(card.cardId)}`)}>Show the members</a></p>
          <form method="post" action={bookUrl(book.id, `/groups/${encodeURIComponent(card.cardId)}/delete`)} class="stack">
            <CsrfField token={csrfToken} />
            <label class="check"><input type="checkbox" name="withContacts" value="1" /> Also delete its contacts (those in no other group)</label>
            <button class="btn btn-small btn-danger" type="submit">Delete group</button>
          </form>
        </section>
      ) : null}
      {writable && card.kind === 'individual' ? (
        <form method="post" action={url('/delete')}>
          <CsrfField token={csrfToken} />
          <button class="btn btn-small btn-danger" type="submit">Delete contact</button>
        </form>
      ) : null}
    </>
  );
}
