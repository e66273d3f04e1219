// The browser half of Nextcloud's Login Flow v2 (core/http/login-flow/): the page a
// desktop or mobile app opens to ask for access, and the page after the answer.
import { assetUrl } from '../assets.ts';
import { Button } from '../components/button.tsx';
import { CsrfField } from '../components/csrf-field.tsx';

export interface LoginFlowGrantViewProps {
  /** As the app names itself (its User-Agent): a claim, shown as such. */
  device: string;
  email: string;
  csrfToken: string;
  /** The flow's own URL: the form posts back to it. */
  action: string;
}

function Logo() {
  return <div class="logo"><img src={assetUrl('/static/icon.svg')} alt="" width="56" height="56" /></div>;
}

export function LoginFlowGrantView({ device, email, csrfToken, action }: LoginFlowGrantViewProps) {
  return (
    <div class="auth-page">
      <section class="card auth-card stack" aria-labelledby="login-flow-title">
        <Logo />
        <h1 id="login-flow-title">Connect <span id="login-flow-device">{device}</span> to your account?</h1>
        <p class="sub">Signed in as <strong>{email}</strong></p>
        <p>The app gets its own device password and can then sync your files, calendars and contacts. You can revoke it at any time under <a href="/account#devices">Account → Devices</a>.</p>
        <p class="small muted">Only continue if you started this from the app yourself just now. The name above is how the app describes itself.</p>
        <form method="post" action={action} class="stack">
          <CsrfField token={csrfToken} />
          <Button block id="login-flow-grant">Grant access</Button>
          <Button block variant="secondary" id="login-flow-cancel" formaction={`${action}/deny`}>Cancel</Button>
        </form>
      </section>
    </div>
  );
}

export function LoginFlowDoneView({ device, already }: { device: string; already?: boolean }) {
  return (
    <div class="auth-page">
      <section class="card auth-card stack" aria-labelledby="login-flow-title">
        <Logo />
        <h1 id="login-flow-title">Done — you can close this window</h1>
        <p class="sub" role="status">
          {already ? <>This request was already answered: <strong>{device}</strong> is being connected.</> : <><strong>{device}</strong> is now connected to your account.</>}
        </p>
        <p class="sub small">It is listed under <a href="/account#devices">Account → Devices</a>, where you can revoke it.</p>
      </section>
    </div>
  );
}

export function LoginFlowDeniedView({ device }: { device: string }) {
  return (
    <div class="auth-page">
      <section class="card auth-card stack" aria-labelledby="login-flow-title">
        <Logo />
        <h1 id="login-flow-title">Not connected — you can close this window</h1>
        <p class="sub" role="status"><strong>{device}</strong> was not given access. To connect it later, start again from the app.</p>
      </section>
    </div>
  );
}
