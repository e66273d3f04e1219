import { CsrfField } from '../../../ui/components/index.ts';
import type { Suggestion } from '../suggested-contacts.ts';

/** People the user recently wrote to who are in none of their address books: add one, or all. */
export function SuggestedView({ suggestions, csrfToken }: { suggestions: readonly Suggestion[]; csrfToken: string }) {
  return (
    <section class="stack" aria-labelledby="suggested-title">
      <h1 id="suggested-title">People you write to</h1>
      {suggestions.length === 0
        ? <p class="muted">Nobody to suggest: everyone you recently wrote to is already in your contacts.</p>
        : <>
          <form method="post" action="/contacts/suggested/add-all">
            <CsrfField token={csrfToken} />
            <button class="btn" type="submit">Add all {suggestions.length}</button>
          </form>
          <ul class="list" id="suggested-list">
            {suggestions.map((s) => (
              <li class="row">
                <span class="grow">{s.name ? <><strong>{s.name}</strong> <span class="muted">{s.email}</span></> : s.email}</span>
                <form method="post" action="/contacts/suggested/add">
                  <CsrfField token={csrfToken} />
                  <input type="hidden" name="email" value={s.email} />
                  <button class="btn btn-small btn-secondary" type="submit" aria-label={`Add ${s.name || s.email}`}>Add</button>
                </form>
              </li>
            ))}
          </ul>
        </>}
    </section>
  );
}
