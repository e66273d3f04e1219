export interface ErrorViewProps {
  status: number;
  title: string;
  message: string;
  requestId: string;
  signedIn: boolean;
}

/** The friendly page a browser sees for any error (404, 403, 500, …). */
export function ErrorView({ status, title, message, requestId, signedIn }: ErrorViewProps) {
  return (
    <section class="error-page" aria-labelledby="error-title">
      <p class="status" aria-hidden="true">{status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{message}</p>
      <p><a class="btn btn-secondary" href="/">{signedIn ? 'Back to Cairn' : 'Go to sign in'}</a></p>
      <p class="reqid">Request id <code>{requestId}</code> — mention it when reporting a problem.</p>
    </section>
  );
}
