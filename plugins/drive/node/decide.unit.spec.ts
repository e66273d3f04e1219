import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { NodeEvent } from '../events.ts';
import { decideNode, MAX_DEAD_PROPS, type NodeCommand } from './decide.ts';
import { evolveNode, type NodeState } from './state.ts';

let pos = 0;
const stored = (e: NodeEvent): StoredEvent => ({ ...e, position: ++pos, stream: 'drive-node:d1:n1', streamPosition: pos, recordedAt: 0, metadata: { actor: 'u1', source: 'ui', time: '2026-01-01T00:00:00.000Z' } });
const given = (...events: NodeEvent[]): NodeState => events.map(stored).reduce(evolveNode, undefined as NodeState);
const when = (s: NodeState, c: NodeCommand) => decideNode(c, s);
const sha = (c: string) => c.repeat(64);
const written = (v: number, s = sha('a')): NodeEvent => ({ type: 'drive.FileWritten', blobs: [s], data: { driveId: 'd1', nodeId: 'n1', parentId: '', name: 'a.txt', sha256: s, size: 3, contentType: 'text/plain', version: v } });
const write = (name = 'a.txt', s = sha('b')): NodeCommand => ({ type: 'writeFile', driveId: 'd1', nodeId: 'n1', parentId: '', name, sha256: s, size: 3, contentType: 'text/plain' });

describe('node decide', () => {
  it('creates a file, then adds versions that keep its place and reference the blob', () => {
    expect(when(given(), write('a.txt', sha('a')))).toEqual([written(1)]);
    const [v2] = when(given(written(1)), write('ignored.txt', sha('b')));
    expect(v2).toMatchObject({ type: 'drive.FileWritten', blobs: [sha('b')], data: { name: 'a.txt', version: 2, sha256: sha('b') } });
  });

  it('refuses bad names and writing over a folder', () => {
    expect(() => when(given(), write('a/b'))).toThrow(ValidationError);
    expect(() => when(given(), write('x'.repeat(256)))).toThrow(/255 bytes/);
    expect(() => when(given(), write('é'.repeat(128)))).toThrow(/255 bytes/); // 256 bytes in UTF-8
    expect(() => when(given(), write('Cafe\u0301'))).toThrow(/NFC/);
    const folder: NodeEvent = { type: 'drive.FolderCreated', data: { driveId: 'd1', nodeId: 'n1', parentId: '', name: 'f' } };
    expect(() => when(given(folder), write())).toThrow(ConflictError);
  });

  it('moves, trashes idempotently, restores and purges', () => {
    const s = given(written(1));
    expect(when(s, { type: 'move', parentId: '', name: 'a.txt' })).toEqual([]);
    expect(when(s, { type: 'move', parentId: 'p', name: 'b.txt' })).toEqual([{ type: 'drive.NodeMoved', data: { driveId: 'd1', nodeId: 'n1', parentId: 'p', name: 'b.txt' } }]);
    const trashed = given(written(1), { type: 'drive.NodeTrashed', data: { driveId: 'd1', nodeId: 'n1' } });
    expect(when(trashed, { type: 'trash' })).toEqual([]);
    expect(() => when(trashed, { type: 'move', parentId: '', name: 'x' })).toThrow(NotFoundError);
    expect(() => when(trashed, write())).toThrow(/trash/);
    expect(when(trashed, { type: 'restore', parentId: '', name: 'a (2).txt' })).toEqual([{ type: 'drive.NodeRestored', data: { driveId: 'd1', nodeId: 'n1', parentId: '', name: 'a (2).txt' } }]);
    expect(when(trashed, { type: 'purge' })).toEqual([{ type: 'drive.NodePurged', data: { driveId: 'd1', nodeId: 'n1' } }]);
    const purged = given(written(1), { type: 'drive.NodePurged', data: { driveId: 'd1', nodeId: 'n1' } });
    expect(when(purged, { type: 'purge' })).toEqual([]);
    expect(() => when(purged, { type: 'restore', parentId: '', name: 'a.txt' })).toThrow(NotFoundError);
  });

  it('changes only the dead properties that differ, within a limit', () => {
    const s = given(written(1), { type: 'drive.PropertiesChanged', data: { driveId: 'd1', nodeId: 'n1', set: { '{z}a': '1' }, remove: [] } });
    expect(when(s, { type: 'patchProps', set: { '{z}a': '1' }, remove: ['{z}missing'] })).toEqual([]);
    expect(when(s, { type: 'patchProps', set: { '{z}b': '2' }, remove: ['{z}a'] })).toEqual([{ type: 'drive.PropertiesChanged', data: { driveId: 'd1', nodeId: 'n1', set: { '{z}b': '2' }, remove: ['{z}a'] } }]);
    const many = Object.fromEntries(Array.from({ length: MAX_DEAD_PROPS + 1 }, (_, i) => [`{z}p${i}`, 'x']));
    expect(() => when(s, { type: 'patchProps', set: many, remove: [] })).toThrow(/at most/);
  });
});
