import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { NodeEvent } from '../events.ts';
import { folderRestoreSpec, liveUnder } from './folder-restore.ts';

let pos = 0;
const meta = { actor: 'u1', source: 'ui' as const, time: '2026-01-01T00:00:00.000Z' };
const sha = (c: string) => c.repeat(64);
const folder = (id: string, parentId: string, name: string): NodeEvent => ({ type: 'drive.FolderCreated', data: { driveId: 'd', nodeId: id, parentId, name } });
const file = (id: string, parentId: string, name: string, s: string, version = 1): NodeEvent => ({ type: 'drive.FileWritten', blobs: [sha(s)], data: { driveId: 'd', nodeId: id, parentId, name, sha256: sha(s), size: 1, contentType: 'text/plain', version } });
const trashed = (id: string): NodeEvent => ({ type: 'drive.NodeTrashed', data: { driveId: 'd', nodeId: id } });
const purged = (id: string): NodeEvent => ({ type: 'drive.NodePurged', data: { driveId: 'd', nodeId: id } });
const moved = (id: string, parentId: string, name: string): NodeEvent => ({ type: 'drive.NodeMoved', data: { driveId: 'd', nodeId: id, parentId, name } });

const spec = folderRestoreSpec('d', 'f');
const tree = (...events: NodeEvent[]) => events
  .map((e): StoredEvent => ({ ...e, position: ++pos, stream: `drive-node:d:${(e.data as { nodeId: string }).nodeId}`, streamPosition: 1, recordedAt: 0, metadata: meta }))
  .reduce(spec.evolve, spec.initialState());

describe('folder restore diff', () => {
  const then = [folder('f', '', 'Garden'), folder('sub', 'f', 'Beds'), file('a', 'sub', 'roses.txt', 'a'), file('b', 'f', 'tulips.txt', 'b'), file('c', 'f', 'gone.txt', 'c'), file('x', '', 'outside.txt', 'x')];

  it('trashes what came later, brings back what went, reverts content and place, and leaves the rest of the drive alone', () => {
    const now = tree(...then,
      file('a', 'sub', 'roses.txt', 'z', 2), // new content
      moved('b', '', 'tulips.txt'), // moved out of the folder
      purged('c'), // purged from the trash
      folder('n', 'f', 'New'), file('n1', 'n', 'in-new.txt', 'n'), // added since, with content
      trashed('x'), // outside the folder: not touched
    );
    const diff = spec.diff(now, tree(...then), meta);
    const byStream = Object.fromEntries(diff.map((d) => [d.stream.split(':').pop(), d.events.map((e) => e.type)]));
    expect(byStream).toEqual({
      n: ['drive.NodeTrashed'],
      b: ['drive.NodeMoved'],
      c: ['drive.FileWritten'],
      a: ['drive.FileWritten'],
    });
    expect(diff[0]!.stream).toBe('drive-node:d:n'); // trash first: it frees names
    const restoredC = diff.find((d) => d.stream.endsWith(':c'))!.events[0]!;
    expect(restoredC).toMatchObject({ blobs: [sha('c')], data: { parentId: 'f', name: 'gone.txt', sha256: sha('c'), version: 2 } });
    expect(diff.find((d) => d.stream.endsWith(':a'))!.events[0]).toMatchObject({ data: { sha256: sha('a'), version: 3 } });
    expect(spec.diff(tree(...then), tree(...then), meta)).toEqual([]);
  });

  it('lists a folder\u2019s live content parents first', () => {
    expect(liveUnder(tree(...then), 'f').map((n) => n.id)).toEqual(['sub', 'b', 'c', 'a']);
    expect(liveUnder(tree(...then, trashed('sub')), 'f').map((n) => n.id)).toEqual(['b', 'c']);
  });
});
