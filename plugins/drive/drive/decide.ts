import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { DriveEvent } from '../events.ts';

export interface DriveState { id: string; ownerId: string; name: string; quotaBytes: number }

export type DriveCommand =
  | { type: 'create'; driveId: string; ownerId: string; name: string; quotaBytes: number }
  | { type: 'setQuota'; quotaBytes: number };

type DriveOwnEvent = Extract<DriveEvent, { type: 'drive.DriveCreated' | 'drive.QuotaChanged' }>;

export function evolveDrive(s: DriveState | undefined, event: StoredEvent): DriveState | undefined {
  const e = event as unknown as DriveOwnEvent;
  if (e.type === 'drive.DriveCreated') return { id: e.data.driveId, ownerId: e.data.ownerId, name: e.data.name, quotaBytes: e.data.quotaBytes };
  if (e.type === 'drive.QuotaChanged') return s && { ...s, quotaBytes: e.data.quotaBytes };
  return s;
}

export function decideDrive(c: DriveCommand, s: DriveState | undefined): DriveOwnEvent[] {
  switch (c.type) {
    // Idempotent: a personal drive is created lazily by whichever request comes first.
    case 'create':
      return s ? [] : [{ type: 'drive.DriveCreated', data: { driveId: c.driveId, ownerId: c.ownerId, name: c.name, quotaBytes: c.quotaBytes } }];
    case 'setQuota':
      return !s || s.quotaBytes === c.quotaBytes ? [] : [{ type: 'drive.QuotaChanged', data: { driveId: s.id, quotaBytes: c.quotaBytes } }];
  }
}

export const driveDecider: Decider<DriveState | undefined, DriveCommand, DriveOwnEvent> = {
  initialState: () => undefined,
  evolve: evolveDrive,
  decide: (c, s) => decideDrive(c, s),
};
