import { describe, expect, it } from 'vitest';
import { deviceLabel, MAX_DEVICE_LABEL_LENGTH } from './device-label.ts';

describe('device label from the User-Agent', () => {
  it("names Nextcloud's clients", () => {
    expect(deviceLabel('Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud, debian-6.1.0-13-amd64 ClientArchitecture: x86_64 OsArchitecture: x86_64)')).toBe('Nextcloud desktop (Linux)');
    expect(deviceLabel('laptop (Desktop Client - Windows)')).toBe('Nextcloud desktop (Windows) on laptop');
    expect(deviceLabel('Mozilla/5.0 (Android) Nextcloud-android/3.26.0')).toBe('Nextcloud Android');
    expect(deviceLabel('Mozilla/5.0 (iOS) Nextcloud-iOS/4.9.0')).toBe('Nextcloud iOS');
  });

  it('keeps other names as sent, without control characters or bidi overrides, bounded', () => {
    expect(deviceLabel(undefined)).toBe('Nextcloud client');
    expect(deviceLabel('  ')).toBe('Nextcloud client');
    expect(deviceLabel('My\u0000app\r\nX-Evil: 1\u202e')).toBe('My app X-Evil: 1');
    const long = deviceLabel('é'.repeat(500));
    expect([...long].length).toBe(MAX_DEVICE_LABEL_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect([...deviceLabel('😀'.repeat(200))].every((ch) => ch === '😀' || ch === '…')).toBe(true);
  });
});
