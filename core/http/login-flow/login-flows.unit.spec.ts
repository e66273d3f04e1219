import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../errors.ts';
import { FLOW_LIFETIME_MS, LoginFlows, MAX_PENDING_FLOWS, MAX_PENDING_FLOWS_PER_IP } from './login-flows.ts';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const started = { device: 'Nextcloud desktop (Linux)', server: 'https://cairn.example' };
const creds = { loginName: 'ann@example.org', appPassword: 'abcd-efgh-ijkm-npqr' };

function retryAfter(fn: () => unknown): number | undefined {
  try { fn(); return undefined; } catch (e) {
    expect(e).toBeInstanceOf(RateLimitedError);
    return (e as RateLimitedError).retryAfterSeconds;
  }
}

describe('login flows', () => {
  it('gives two distinct 64-character base64url tokens, and the credentials to one poll after the grant', () => {
    const flows = new LoginFlows();
    const { pollToken, flowToken } = flows.start({ ip: '10.0.0.1', ...started });
    expect(pollToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(flowToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(pollToken).not.toBe(flowToken);
    expect(flows.poll(pollToken)).toBeUndefined();
    expect(flows.view(flowToken)).toEqual({ device: started.device, state: 'pending' });
    // The tokens are not interchangeable.
    expect(flows.view(pollToken)).toBeUndefined();
    expect(flows.claim(pollToken)).toBeUndefined();
    const claim = flows.claim(flowToken)!;
    expect(flows.claim(flowToken)).toBeUndefined();
    expect(flows.grant(claim, creds)).toBe(true);
    expect(flows.poll(flowToken)).toBeUndefined();
    expect(flows.poll(pollToken)).toEqual({ server: started.server, ...creds });
    expect(flows.poll(pollToken)).toBeUndefined();
    expect(flows.view(flowToken)).toBeUndefined();
    expect(flows.size).toBe(0);
  });

  it('drops a denied flow: nothing to grant or poll afterwards; a granted flow cannot be denied', () => {
    const flows = new LoginFlows();
    const denied = flows.start({ ip: '10.0.0.1', ...started });
    expect(flows.deny(denied.flowToken)).toBe(true);
    expect(flows.view(denied.flowToken)).toBeUndefined();
    expect(flows.claim(denied.flowToken)).toBeUndefined();
    expect(flows.poll(denied.pollToken)).toBeUndefined();
    expect(flows.size).toBe(0);
    const granted = flows.start({ ip: '10.0.0.1', ...started });
    expect(flows.grant(flows.claim(granted.flowToken)!, creds)).toBe(true);
    expect(flows.deny(granted.flowToken)).toBe(false);
    expect(flows.poll(granted.pollToken)).toEqual({ server: started.server, ...creds });
  });

  it('forgets a flow (and an uncollected password) after its lifetime', () => {
    const c = clock();
    const flows = new LoginFlows({ now: c.now });
    const { pollToken, flowToken } = flows.start({ ip: '10.0.0.1', ...started });
    expect(flows.grant(flows.claim(flowToken)!, creds)).toBe(true);
    c.advance(FLOW_LIFETIME_MS);
    expect(flows.poll(pollToken)).toBeUndefined();
    expect(flows.size).toBe(0);
  });

  it('refuses a grant that lands after the flow expired, and releases a claim that failed', () => {
    const c = clock();
    const flows = new LoginFlows({ now: c.now });
    const a = flows.start({ ip: '10.0.0.1', ...started });
    const claim = flows.claim(a.flowToken)!;
    flows.release(claim);
    expect(flows.view(a.flowToken)?.state).toBe('pending');
    const again = flows.claim(a.flowToken)!;
    c.advance(FLOW_LIFETIME_MS + 1);
    expect(flows.grant(again, creds)).toBe(false);
  });

  it('bounds pending flows per address (IPv6 by /64) and in total, and frees places as flows end', () => {
    const c = clock();
    const flows = new LoginFlows({ now: c.now });
    for (let i = 0; i < MAX_PENDING_FLOWS_PER_IP; i++) flows.start({ ip: `2001:db8:1:2::${i + 1}`, ...started });
    expect(retryAfter(() => flows.start({ ip: '2001:db8:1:2:ffff::9', ...started }))).toBe(FLOW_LIFETIME_MS / 1000);
    flows.start({ ip: '2001:db8:1:3::1', ...started });
    c.advance(FLOW_LIFETIME_MS / 2);
    expect(retryAfter(() => flows.start({ ip: '2001:db8:1:2::1', ...started }))).toBe(FLOW_LIFETIME_MS / 2000);
    c.advance(FLOW_LIFETIME_MS / 2);
    flows.start({ ip: '2001:db8:1:2::1', ...started });

    const small = new LoginFlows({ now: c.now, maxPending: 3 });
    const first = small.start({ ip: '10.0.0.1', ...started });
    small.start({ ip: '10.0.0.2', ...started });
    small.start({ ip: '10.0.0.3', ...started });
    expect(retryAfter(() => small.start({ ip: '10.0.0.4', ...started }))).toBeGreaterThan(0);
    small.grant(small.claim(first.flowToken)!, creds);
    small.poll(first.pollToken);
    small.start({ ip: '10.0.0.4', ...started });
    expect(MAX_PENDING_FLOWS).toBeGreaterThan(MAX_PENDING_FLOWS_PER_IP);
  });

  it('answers nothing for tokens of the wrong shape', () => {
    const flows = new LoginFlows();
    for (const t of ['', 'x', 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(63)}/`]) {
      expect(flows.poll(t)).toBeUndefined();
      expect(flows.view(t)).toBeUndefined();
    }
  });
});
