// Raster versions of ui/static/icon.svg for the web app manifest (browsers want PNG
// icons at 192 and 512 px to offer installation). The shapes are read from the SVG
// itself — one rounded rectangle and rotated ellipses — so the two never drift apart.
import { deflateSync } from 'node:zlib';

interface Rect { kind: 'rect'; size: number; rx: number; fill: RGB }
interface Ellipse { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; angle: number; fill: RGB }
type Shape = Rect | Ellipse;
type RGB = [number, number, number];

/** Samples per pixel side: 4×4 supersampling gives smooth edges. */
const SUPERSAMPLE = 4;

export function parseIconSvg(svg: string): { viewBox: number; shapes: Shape[] } {
  const viewBox = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1] ?? 512);
  const shapes: Shape[] = [];
  for (const m of svg.matchAll(/<(rect|ellipse)\b([^>]*)\/>/g)) {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    const fill = hex(attrs.fill ?? '#000000');
    if (m[1] === 'rect') {
      shapes.push({ kind: 'rect', size: Number(attrs.width ?? viewBox), rx: Number(attrs.rx ?? 0), fill });
    } else {
      const angle = Number(/rotate\((-?[\d.]+)/.exec(attrs.transform ?? '')?.[1] ?? 0);
      shapes.push({ kind: 'ellipse', cx: Number(attrs.cx), cy: Number(attrs.cy), rx: Number(attrs.rx), ry: Number(attrs.ry), angle, fill });
    }
  }
  return { viewBox, shapes };
}

/** Renders the icon as an RGBA PNG of size × size pixels. */
export function renderIconPng(svg: string, size: number): Buffer {
  const { viewBox, shapes } = parseIconSvg(svg);
  const scale = viewBox / size;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (None) then RGBA
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = (x + (sx + 0.5) / SUPERSAMPLE) * scale;
          const py = (y + (sy + 0.5) / SUPERSAMPLE) * scale;
          let color: RGB | undefined;
          for (const s of shapes) if (inside(s, px, py)) color = s.fill; // later shapes paint over earlier ones
          if (color) { r += color[0]; g += color[1]; b += color[2]; a += 255; }
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const covered = a / 255;
      const o = 1 + x * 4;
      if (covered > 0) { row[o] = Math.round(r / covered); row[o + 1] = Math.round(g / covered); row[o + 2] = Math.round(b / covered); }
      row[o + 3] = Math.round(a / n);
    }
    rows.push(row);
  }
  return encodePng(size, size, Buffer.concat(rows));
}

function inside(s: Shape, x: number, y: number): boolean {
  if (s.kind === 'rect') {
    const r = s.rx;
    const cx = Math.min(Math.max(x, r), s.size - r);
    const cy = Math.min(Math.max(y, r), s.size - r);
    return x >= 0 && y >= 0 && x <= s.size && y <= s.size && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  }
  const t = (-s.angle * Math.PI) / 180; // undo the rotation, then test the axis-aligned ellipse
  const dx = x - s.cx, dy = y - s.cy;
  const ux = dx * Math.cos(t) - dy * Math.sin(t);
  const uy = dx * Math.sin(t) + dy * Math.cos(t);
  return (ux / s.rx) ** 2 + (uy / s.ry) ** 2 <= 1;
}

function hex(c: string): RGB {
  const v = c.replace('#', '');
  return [parseInt(v.slice(0, 2), 16), parseInt(v.slice(2, 4), 16), parseInt(v.slice(4, 6), 16)];
}

function encodePng(width: number, height: number, scanlines: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
