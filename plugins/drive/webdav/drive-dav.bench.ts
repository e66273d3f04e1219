// The drive's WebDAV figures (issue 6), measured over loopback against a whole
// appliance: a large PUT and GET (MB/s and RSS growth) and PROPFIND depth 1 of a folder
// of 10,000 entries. Not a test: call benchDrive() from scripts/bench/index.ts, or run
// `node --import tsx plugins/drive/webdav/drive-dav.bench.ts [MiB]`.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { addTestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';

const MiB = 1024 * 1024;
const LISTING_ENTRIES = 10_000;

export async function benchDrive(megabytes = 1024): Promise<Record<string, number>> {
  const a = await createTestAppliance({ plugins: ['drive'], config: {} });
  try {
    const base = (await a.start()).find((l) => l.name === 'http')!.address;
    const u = await addTestUser(a, 'bench@example.test');
    const auth = `Basic ${Buffer.from(`${u.email}:${u.appPassword}`).toString('base64')}`;
    const url = (p: string) => `${base}/dav/files/${u.email}${p}`;
    const drive = a.services.services.require<DriveService>('drive.service');
    const meta = () => ({ actor: u.userId, source: 'system' as const, time: new Date().toISOString() });
    await drive.personalDrive({ id: u.userId, email: u.email, displayName: '', role: 'user', theme: 'auto' }, meta());
    await drive.setQuota(u.userId, 4 * 1024 * MiB * 1024, meta());

    // curl is the client, in its own process, so the RSS measured is the server's alone.
    const size = megabytes * MiB;
    const file = path.join(a.dataDir, 'bench-upload.bin');
    await fsp.writeFile(file, '');
    await fsp.truncate(file, size); // sparse: reading it costs no disk time
    let peak = process.memoryUsage().rss;
    const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let t = performance.now();
    const code = await curl(['-T', file, '-u', `${u.email}:${u.appPassword}`, url('/big.bin')]);
    if (code !== '201') throw new Error(`PUT answered ${code}`);
    const upSeconds = (performance.now() - t) / 1000;
    const upPeak = peak;
    await fsp.rm(file);
    global.gc?.();
    const rss1 = process.memoryUsage().rss;
    peak = rss1;
    t = performance.now();
    const got = await curl(['-u', `${u.email}:${u.appPassword}`, url('/big.bin')], '%{size_download}');
    if (Number(got) !== size) throw new Error(`GET returned ${got} bytes`);
    const downSeconds = (performance.now() - t) / 1000;
    clearInterval(sample);

    // A folder of 10,000 entries, written straight through the service (the listing is what is measured).
    const folder = await drive.createFolder(u.userId, '', 'many', meta());
    for (let i = 0; i < LISTING_ENTRIES; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, LISTING_ENTRIES - i) }, (_, j) =>
        drive.writeFile(u.userId, folder.node_id, `file-${String(i + j).padStart(5, '0')}.txt`, { source: Buffer.from(`entry ${i + j}`) }, meta())));
    }
    // curl as the client (its own process): the time is the server's and the wire's.
    const propBody = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/><d:getetag/></d:prop></d:propfind>';
    const listing = async (body?: string) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const out = await curl(['-X', 'PROPFIND', '-H', 'Depth: 1', '-u', `${u.email}:${u.appPassword}`, ...(body ? ['-H', 'Content-Type: application/xml', '--data-binary', body] : []), url('/many/')], '%{http_code} %{size_download} %{time_total}');
        const [code, bytes, seconds] = out.split(' ');
        if (code !== '207' || Number(bytes) < LISTING_ENTRIES * 100) throw new Error(`PROPFIND answered ${code} with ${bytes} bytes`);
        times.push(Number(seconds) * 1000);
      }
      return times.sort((x, y) => x - y)[2]!;
    };
    const allpropMs = await listing();
    const propMs = await listing(propBody);
    return {
      upload_mb_per_s: megabytes / upSeconds,
      upload_rss_growth_mb: (upPeak - rss0) / MiB,
      download_mb_per_s: megabytes / downSeconds,
      download_rss_growth_mb: (peak - rss1) / MiB,
      propfind_depth1_10k_allprop_ms_median: allpropMs,
      propfind_depth1_10k_prop_ms_median: propMs,
    };
  } finally {
    await a.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mb = Number(process.argv[2] ?? 1024);
  console.log(await benchDrive(mb));
}

function curl(args: string[], write = '%{http_code}'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-o', '/dev/null', '-w', write, ...args], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
  });
}
