import type { SessionUser } from '../identity/auth-service.ts';

/** Variables core's middleware sets on every request's context. */
export interface CairnEnv {
  Variables: {
    requestId: string;
    /** The signed-in user (cookie session or Basic auth), if any. */
    user: SessionUser | undefined;
    /** The session id when signed in through the browser. */
    sessionId: string | undefined;
    /** Token to put in forms and htmx headers; checked on every state-changing request. */
    csrfToken: string;
  };
}
