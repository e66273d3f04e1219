// Child process of imap.bench.ts: N minimal TLS clients that log in, SELECT INBOX and
// IDLE, so the server's RSS is measured without the clients' memory. Prints "ready"
// once all idle, then "heard" once every client has seen an EXISTS.
import * as tls from 'node:tls';

const [port, user, pass, count] = [Number(process.argv[2]), process.argv[3], process.argv[4], Number(process.argv[5])];

function client() {
  return new Promise((resolve, reject) => {
    let tail = '';
    let step = 0;
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    const c = { socket: s, heard: null };
    c.heard = new Promise((heard) => {
      s.on('data', (d) => {
        tail = (tail + d.toString('latin1')).slice(-4096);
        if (step === 0 && /\* OK/.test(tail)) { step = 1; tail = ''; s.write(`l LOGIN ${user} "${pass}"\r\n`); }
        else if (step === 1 && /(^|\n)l OK/.test(tail)) { step = 2; tail = ''; s.write('s SELECT INBOX\r\n'); }
        else if (step === 2 && /(^|\n)s OK/.test(tail)) { step = 3; tail = ''; s.write('i IDLE\r\n'); }
        else if (step === 3 && /\+ idling/.test(tail)) { step = 4; tail = ''; resolve(c); }
        else if (step === 4 && /EXISTS\r\n/.test(tail)) { step = 5; heard(); }
      });
    });
    s.on('error', reject);
  });
}

const clients = [];
for (let k = 0; k < count; k += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, count - k) }, client))));
process.stdout.write('ready\n');
await Promise.all(clients.map((c) => c.heard));
process.stdout.write('heard\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
