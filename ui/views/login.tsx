import { assetUrl } from '../assets.ts';
import { Button } from '../components/button.tsx';
import { CsrfField } from '../components/csrf-field.tsx';
import { Flash, type FlashMessage } from '../components/flash.tsx';
import { FormField } from '../components/form-field.tsx';

export interface LoginViewProps {
  csrfToken: string;
  /** Prefilled after a failed attempt. */
  email?: string;
  /** Where to go after signing in (already checked to be a local path). */
  next?: string;
  message?: FlashMessage;
}

export function LoginView({ csrfToken, email, next, message }: LoginViewProps) {
  return (
    <div class="auth-page">
      <section class="card auth-card" aria-labelledby="login-title">
        <div class="logo"><img src={assetUrl('/static/icon.svg')} alt="" width="56" height="56" /></div>
        <h1 id="login-title">Sign in to Cairn</h1>
        <p class="sub">Mail, calendar, contacts, files and chat.</p>
        {message ? <Flash kind={message.kind}>{message.text}</Flash> : null}
        <form method="post" action="/login">
          <CsrfField token={csrfToken} />
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <FormField label="Email" name="email" type="email" value={email} required autocomplete="username" autofocus={!email} />
          <FormField label="Password" name="password" type="password" required autocomplete="current-password" autofocus={!!email} />
          <Button block>Sign in</Button>
        </form>
      </section>
    </div>
  );
}
