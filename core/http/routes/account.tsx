import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { FlashMessage } from '../../../ui/components/flash.tsx';
import {
  AccountView,
  AppearanceSection,
  DevicesSection,
  PasswordSection,
  ProfileSection,
  THEME_LABELS,
  type AccountData,
  type AccountState,
} from '../../../ui/views/account.tsx';
import type { ResolvedConfig } from '../../config/load-config.ts';
import { isCairnError, RateLimitedError, UnauthorizedError, ValidationError } from '../../errors.ts';
import type { SessionUser, Theme } from '../../identity/auth-service.ts';
import type { IdentityApi } from '../../identity/identity-api.ts';
import { uiActor } from '../actor.ts';
import type { CairnEnv } from '../env.ts';
import { requireUser } from '../require-user.ts';
import { isHtmx } from '../wants-json.ts';
import { retryIn } from './login.tsx';

const MAX_FORM_BYTES = 64 * 1024;
/** Longest display name and app-password label accepted (they show in lists and headers). */
const MAX_DISPLAY_NAME_LENGTH = 200;
const MAX_LABEL_LENGTH = 100;
const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];

/** Messages after a redirect (POST → 303 → GET /account?done=…); fixed texts, nothing reflected. */
const DONE: Record<string, { section: keyof AccountState; text: string }> = {
  profile: { section: 'profile', text: 'Profile saved.' },
  theme: { section: 'appearance', text: 'Theme saved.' },
  password: { section: 'password', text: 'Password changed. Your other browser sessions were signed out.' },
  revoked: { section: 'devices', text: 'App password revoked.' },
  'revoked-all': { section: 'devices', text: 'All app passwords were revoked.' },
};

export interface AccountDeps {
  identity: IdentityApi;
  config: ResolvedConfig;
}

type C = Context<CairnEnv>;

/** /account: profile, theme, password, devices and app passwords. */
export function accountRoutes(deps: AccountDeps): Hono<CairnEnv> {
  const { identity } = deps;
  const app = new Hono<CairnEnv>();
  app.use('/account', requireUser);
  app.use('/account/*', requireUser, bodyLimit({ maxSize: MAX_FORM_BYTES }));

  const me = (c: C): SessionUser => c.var.user!;

  async function data(c: C, user: SessionUser = me(c)): Promise<AccountData> {
    const origin = new URL(c.req.url).origin;
    return {
      user,
      csrfToken: c.var.csrfToken,
      appPasswords: await identity.listAppPasswords(user.id),
      connection: {
        hostname: deps.config.hostname,
        imapsPort: deps.config.imapsPort,
        imapPort: deps.config.imapPort,
        submissionsPort: deps.config.submissionsPort,
        submissionPort: deps.config.submissionPort,
        davUrl: `${origin}/dav/`,
      },
    };
  }

  async function fullPage(c: C, state: AccountState, status: 200 | 400 | 401 | 422 | 429 = 200, user?: SessionUser) {
    c.status(status);
    return c.render(<AccountView data={await data(c, user)} state={state} />, { title: 'Account' });
  }

  /** Success without JS: back to the page with a fixed message. */
  const done = (c: C, key: keyof typeof DONE) => c.redirect(`/account?done=${key}`, 303);

  app.get('/account', async (c) => {
    const d = DONE[c.req.query('done') ?? ''];
    const state: AccountState = d ? { [d.section]: { flash: ok(d.text) } } : {};
    return fullPage(c, state);
  });

  app.post('/account/profile', async (c) => {
    const form = await c.req.parseBody();
    const displayName = str(form.displayName).trim();
    const user = me(c);
    let error: string | undefined;
    if (!displayName) error = 'Enter a display name.';
    else if (displayName.length > MAX_DISPLAY_NAME_LENGTH) error = `Use at most ${MAX_DISPLAY_NAME_LENGTH} characters.`;
    else {
      try {
        await identity.updateProfile(user.id, { displayName }, uiActor(c));
      } catch (e) {
        error = userMessage(e);
      }
    }
    if (error) {
      const state = { profile: { error, displayName } };
      if (isHtmx(c)) return c.html(<ProfileSection user={user} csrfToken={c.var.csrfToken} state={state.profile} />, 422);
      return fullPage(c, state, 422);
    }
    if (!isHtmx(c)) return done(c, 'profile');
    const updated = { ...user, displayName };
    return c.html(
      <>
        <ProfileSection user={updated} csrfToken={c.var.csrfToken} state={{ flash: ok('Profile saved.') }} />
        <a class="who" id="user-name" href="/account" title={updated.email} hx-swap-oob="true">{displayName}</a>
      </>,
    );
  });

  app.post('/account/theme', async (c) => {
    const form = await c.req.parseBody();
    const theme = str(form.theme) as Theme;
    if (!THEMES.includes(theme)) throw new ValidationError('Choose light, dark or automatic.');
    await identity.setTheme(me(c).id, theme, uiActor(c));
    if (!isHtmx(c)) return done(c, 'theme');
    // app.js applies the theme to <html> when it sees this event.
    c.header('HX-Trigger', JSON.stringify({ 'cairn:theme': theme }));
    return c.html(<AppearanceSection theme={theme} csrfToken={c.var.csrfToken} state={{ flash: ok(`Theme set to ${THEME_LABELS[theme].toLowerCase()}.`) }} />);
  });

  app.post('/account/password', async (c) => {
    const form = await c.req.parseBody();
    const current = str(form.current);
    const next = str(form.next);
    const confirm = str(form.confirm);
    const user = me(c);
    const errors: NonNullable<AccountState['password']>['errors'] = {};
    if (!current) errors.current = 'Enter your current password.';
    if (!next) errors.next = 'Enter a new password.';
    else if (next !== confirm) errors.confirm = 'The two new passwords are not the same.';
    let status: 422 | 429 = 422;
    if (Object.keys(errors).length === 0) {
      try {
        await identity.changePassword(user.id, current, next, uiActor(c));
      } catch (e) {
        if (e instanceof RateLimitedError) {
          status = 429;
          errors.current = `Too many attempts. Try again ${retryIn(e.retryAfterSeconds)}.`;
        } else if (e instanceof UnauthorizedError) {
          errors.current = 'That is not your current password.';
        } else {
          errors.next = userMessage(e);
        }
      }
    }
    if (Object.keys(errors).length > 0) {
      if (isHtmx(c)) return c.html(<PasswordSection csrfToken={c.var.csrfToken} state={{ errors }} />, status);
      return fullPage(c, { password: { errors } }, status);
    }
    const signedOut = await identity.deleteSessionsOf(user.id, c.var.sessionId);
    if (!isHtmx(c)) return done(c, 'password');
    const others = signedOut === 1 ? '1 other browser session was' : `${signedOut} other browser sessions were`;
    return c.html(<PasswordSection csrfToken={c.var.csrfToken} state={{ flash: ok(`Password changed. ${others} signed out.`) }} />);
  });

  app.post('/account/app-passwords', async (c) => {
    const form = await c.req.parseBody();
    const label = str(form.label).trim();
    const user = me(c);
    let labelError: string | undefined;
    if (!label) labelError = 'Name the device or app this password is for.';
    else if (label.length > MAX_LABEL_LENGTH) labelError = `Use at most ${MAX_LABEL_LENGTH} characters.`;
    let created: { label: string; password: string } | undefined;
    if (!labelError) {
      try {
        const { password } = await identity.createAppPassword(user.id, label, uiActor(c));
        created = { label, password };
      } catch (e) {
        labelError = userMessage(e);
      }
    }
    const state: AccountState['devices'] = created ? { created } : { labelError, label };
    const status = created ? 200 : 422;
    // The password is in this response only: never let a cache keep it.
    c.header('Cache-Control', 'no-store');
    if (isHtmx(c)) return c.html(<DevicesSection {...await data(c)} state={state} />, status);
    return fullPage(c, { devices: state }, status);
  });

  app.post('/account/app-passwords/revoke-all', async (c) => {
    const n = await identity.revokeAllAppPasswords(me(c).id, uiActor(c));
    if (!isHtmx(c)) return done(c, 'revoked-all');
    const text = n === 1 ? '1 app password was revoked.' : `${n} app passwords were revoked.`;
    return c.html(<DevicesSection {...await data(c)} state={{ flash: ok(text) }} />);
  });

  app.post('/account/app-passwords/:id/revoke', async (c) => {
    await identity.revokeAppPassword(me(c).id, c.req.param('id'), uiActor(c));
    if (!isHtmx(c)) return done(c, 'revoked');
    return c.html(<DevicesSection {...await data(c)} state={{ flash: ok('App password revoked.') }} />);
  });

  return app;
}

function ok(text: string): FlashMessage {
  return { kind: 'success', text };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The message of a user or syntax error, to show beside a field; server errors go to the error handler. */
function userMessage(e: unknown): string {
  if (isCairnError(e) && e.kind !== 'server' && e.status < 500) return e.message;
  throw e;
}
