// Small inline SVG icons (emoji are missing from many system fonts, and the CSP allows
// inline SVG markup). They take the text colour.
const paths: Record<string, string> = {
  folder: 'M2 5.5A1.5 1.5 0 0 1 3.5 4h4l1.5 2h7.5A1.5 1.5 0 0 1 18 7.5v8a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 15.5z',
  file: 'M5 2.5h6.5L16 7v10.5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1v-14a1 1 0 0 1 1-1zM11 3v4.5h4.5',
  image: 'M3 4h14v12H3zM3 13l4-4 3 3 2-2 5 5M12.5 7.5a1 1 0 1 0 0 .01',
  media: 'M3 4h14v12H3zM8 7.5v5l4.5-2.5z',
};

export function Icon({ name, label }: { name: keyof typeof paths; label?: string }) {
  const filled = name === 'folder';
  return (
    <svg class={`drive-icon drive-icon-${name}`} viewBox="0 0 20 20" width="20" height="20" aria-hidden={label ? undefined : 'true'} role={label ? 'img' : undefined} aria-label={label}>
      <path d={paths[name]!} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
    </svg>
  );
}

export function iconFor(kind: string, contentType: string): keyof typeof paths {
  if (kind === 'folder') return 'folder';
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/') || contentType.startsWith('audio/')) return 'media';
  return 'file';
}
