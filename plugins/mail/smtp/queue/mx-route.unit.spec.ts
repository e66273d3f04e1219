import { describe, expect, it } from 'vitest';
import { staticResolver } from '../testing/static-resolver.ts';
import { hostAddresses, mxRoute } from './mx-route.ts';

describe('MX route (RFC 5321 §5.1, RFC 7505)', () => {
  const dns = staticResolver({
    'multi.test': { MX: [{ exchange: 'b.multi.test', priority: 20 }, { exchange: 'a.multi.test', priority: 10 }] },
    'a.multi.test': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
    'nomx.test': { A: ['192.0.2.9'] },
    'null.test': { MX: [{ exchange: '', priority: 0 }] },
  });

  it('orders MX hosts by preference', async () => {
    expect(await mxRoute(dns, 'multi.test')).toEqual({ kind: 'hosts', hosts: ['a.multi.test', 'b.multi.test'] });
  });

  it('falls back to the domain itself when it has no MX (implicit MX)', async () => {
    expect(await mxRoute(dns, 'nomx.test')).toEqual({ kind: 'hosts', hosts: ['nomx.test'] });
    expect(await hostAddresses(dns, 'nomx.test')).toEqual(['192.0.2.9']);
  });

  it('refuses a null MX and a domain that does not exist, permanently', async () => {
    expect(await mxRoute(dns, 'null.test')).toMatchObject({ kind: 'permanent', status: '5.1.10' });
    expect(await mxRoute(dns, 'missing.test')).toMatchObject({ kind: 'permanent', status: '5.1.2' });
  });

  it('treats a failing lookup as temporary', async () => {
    const failing = async () => { throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' }); };
    expect(await mxRoute(failing, 'any.test')).toMatchObject({ kind: 'temporary', status: '4.4.3' });
  });

  it('lists IPv4 before IPv6', async () => {
    expect(await hostAddresses(dns, 'a.multi.test')).toEqual(['192.0.2.1', '2001:db8::1']);
  });
});
