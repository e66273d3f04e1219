// The account page: profile, appearance (theme), password, devices & app passwords.
// Each section is a card with an id; its forms post normally (works without JS) and,
// with htmx, swap only their own card (core/http/routes/account.tsx renders either).
import type { SessionUser, Theme } from '../../core/identity/auth-service.ts';
import type { AppPasswordInfo } from '../../core/identity/identity-api.ts';
import { MIN_PASSWORD_LENGTH } from '../../core/identity/passwords.ts';
import { Button } from '../components/button.tsx';
import { Card } from '../components/card.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { MaybeFlash, type FlashMessage } from '../components/flash.tsx';
import { FormField } from '../components/form-field.tsx';

/** Where mail, calendar and file clients connect (shown beside the app passwords). */
export interface ConnectionSettings {
  hostname: string;
  imapsPort: number;
  imapPort: number;
  submissionsPort: number;
  submissionPort: number;
  davUrl: string;
}

export interface AccountState {
  profile?: { flash?: FlashMessage; error?: string; displayName?: string };
  appearance?: { flash?: FlashMessage };
  password?: { flash?: FlashMessage; errors?: { current?: string; next?: string; confirm?: string } };
  devices?: { flash?: FlashMessage; created?: { label: string; password: string }; labelError?: string; label?: string };
}

export interface AccountData {
  user: SessionUser;
  csrfToken: string;
  appPasswords: AppPasswordInfo[];
  connection: ConnectionSettings;
}

export const THEME_LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', auto: 'Automatic' };

/** htmx attributes for a form that replaces its own card. */
function swapCard(action: string, card: string) {
  return { method: 'post' as const, action, 'hx-post': action, 'hx-target': `#${card}`, 'hx-swap': 'outerHTML' };
}

export function ProfileSection({ user, csrfToken, state }: { user: SessionUser; csrfToken: string; state?: AccountState['profile'] }) {
  return (
    <Card id="profile" title="Profile" description="How your name appears to others.">
      <MaybeFlash message={state?.flash} />
      <form {...swapCard('/account/profile', 'profile')}>
        <CsrfField token={csrfToken} />
        <FormField label="Email" name="email" id="profile-email" type="email" value={user.email} readonly hint="Your sign-in name and mail address." />
        <FormField label="Display name" name="displayName" id="profile-display-name" value={state?.displayName ?? user.displayName} required maxlength={200} autocomplete="name" error={state?.error} />
        <div class="form-actions"><Button>Save profile</Button></div>
      </form>
    </Card>
  );
}

export function AppearanceSection({ theme, csrfToken, state }: { theme: Theme; csrfToken: string; state?: AccountState['appearance'] }) {
  return (
    <Card id="appearance" title="Appearance" description="Automatic follows your device's light or dark setting.">
      <MaybeFlash message={state?.flash} />
      <form {...swapCard('/account/theme', 'appearance')}>
        <CsrfField token={csrfToken} />
        <div class="segmented" role="group" aria-label="Theme">
          {(['light', 'dark', 'auto'] as const).map((t) => (
            <button type="submit" name="theme" value={t} aria-pressed={theme === t ? 'true' : 'false'} data-theme-choice={t}>
              {THEME_LABELS[t]}
            </button>
          ))}
        </div>
      </form>
    </Card>
  );
}

export function PasswordSection({ csrfToken, state }: { csrfToken: string; state?: AccountState['password'] }) {
  const e = state?.errors ?? {};
  return (
    <Card id="password" title="Password" description="Changing it signs you out everywhere else. App passwords keep working.">
      <MaybeFlash message={state?.flash} />
      <form {...swapCard('/account/password', 'password')}>
        <CsrfField token={csrfToken} />
        <FormField label="Current password" name="current" id="password-current" type="password" required autocomplete="current-password" error={e.current} />
        <div class="row row-top">
          <FormField label="New password" name="next" id="password-next" type="password" required autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={e.next} />
          <FormField label="Repeat new password" name="confirm" id="password-confirm" type="password" required autocomplete="new-password" error={e.confirm} />
        </div>
        <div class="form-actions"><Button>Change password</Button></div>
      </form>
    </Card>
  );
}

function formatTime(iso: string) {
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return <time datetime={iso} data-local="">{text}</time>;
}

function ConnectionList({ c }: { c: ConnectionSettings }) {
  const port = (p: number, label: string) => (p > 0 ? `${c.hostname}:${p} (${label})` : undefined);
  const imap = port(c.imapsPort, 'SSL/TLS') ?? port(c.imapPort, 'STARTTLS');
  const smtp = port(c.submissionsPort, 'SSL/TLS') ?? port(c.submissionPort, 'STARTTLS');
  return (
    <dl class="settings">
      {imap ? <><dt>IMAP</dt><dd>{imap}</dd></> : null}
      {smtp ? <><dt>SMTP</dt><dd>{smtp}</dd></> : null}
      <dt>CalDAV, CardDAV, WebDAV</dt><dd>{c.davUrl}</dd>
    </dl>
  );
}

export function DevicesSection({ user, csrfToken, appPasswords, connection, state }: AccountData & { state?: AccountState['devices'] }) {
  const created = state?.created;
  return (
    <Card id="devices" title="Devices and app passwords" description="Give each mail, calendar or file app its own password, so you can revoke one device without changing your account password.">
      <MaybeFlash message={state?.flash} />
      {created ? (
        <div class="secret" role="status">
          <strong>New app password for “{created.label}”</strong>
          <p class="small secret-note">Copy it into your app now: it will not be shown again.</p>
          <dl>
            <dt>User name</dt>
            <dd><span class="mono" id="new-app-user">{user.email}</span></dd>
            <dt>Password</dt>
            <dd>
              <span class="mono" id="new-app-password" data-testid="new-app-password">{created.password}</span>
              <button type="button" class="btn btn-secondary btn-small" data-copy="new-app-password">Copy</button>
            </dd>
          </dl>
        </div>
      ) : null}
      <ConnectionList c={connection} />
      <form {...swapCard('/account/app-passwords', 'devices')}>
        <CsrfField token={csrfToken} />
        <div class="row row-top">
          <FormField label="Device or app name" name="label" id="app-password-label" value={state?.label} required maxlength={100} placeholder="e.g. Thunderbird on laptop" error={state?.labelError} />
          <div class="field field-action"><span class="label-spacer" aria-hidden="true">{'\u00a0'}</span><Button>Create app password</Button></div>
        </div>
      </form>
      {appPasswords.length === 0 ? (
        <p class="empty">No app passwords yet.</p>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">Name</th><th scope="col" class="hide-narrow">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {appPasswords.map((p) => (
                  <tr>
                    <td>{p.label}</td>
                    <td class="hide-narrow">{formatTime(p.createdAt)}</td>
                    <td>
                      {p.lastUsedAt ? (
                        <>
                          {formatTime(p.lastUsedAt)}
                          {p.lastUsedProtocol || p.lastUsedIp ? (
                            <div class="muted small">{[p.lastUsedProtocol?.toUpperCase(), p.lastUsedIp].filter(Boolean).join(' · ')}</div>
                          ) : null}
                        </>
                      ) : (
                        <span class="muted">Never</span>
                      )}
                    </td>
                    <td class="actions">
                      <form {...swapCard(`/account/app-passwords/${encodeURIComponent(p.id)}/revoke`, 'devices')} hx-confirm={`Revoke the app password “${p.label}”? Apps using it will be signed out.`}>
                        <CsrfField token={csrfToken} />
                        <Button variant="danger" small aria-label={`Revoke ${p.label}`}>Revoke</Button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form {...swapCard('/account/app-passwords/revoke-all', 'devices')} hx-confirm="Revoke every app password? All your mail, calendar and file apps will need a new one." class="form-actions revoke-all">
            <CsrfField token={csrfToken} />
            <Button variant="danger" small>Revoke all</Button>
          </form>
        </>
      )}
    </Card>
  );
}

export function AccountView({ data, state = {} }: { data: AccountData; state?: AccountState }) {
  return (
    <>
      <div class="page-head">
        <h1>Account</h1>
        <p>Signed in as {data.user.email}</p>
      </div>
      <ProfileSection user={data.user} csrfToken={data.csrfToken} state={state.profile} />
      <AppearanceSection theme={data.user.theme} csrfToken={data.csrfToken} state={state.appearance} />
      <PasswordSection csrfToken={data.csrfToken} state={state.password} />
      <DevicesSection {...data} state={state.devices} />
    </>
  );
}
