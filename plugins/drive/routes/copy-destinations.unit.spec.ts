import { describe, expect, it } from 'vitest';
import type { NodeRow } from '../service/queries.ts';
import { foldersUnder, parseDestinationValue, withoutItem } from './copy-destinations.ts';

const all = [{ id: 'w', path: 'Work' }, { id: 'p', path: 'Work/Plans' }, { id: 's', path: 'Work/Plans/2026' }, { id: 'x', path: 'Workshop' }];

describe('copy destinations', () => {
  it('shows a shared folder\'s subfolders from its own name', () => {
    expect(foldersUnder(all, 'p')).toEqual([{ id: 'p', path: 'Plans' }, { id: 's', path: 'Plans/2026' }]);
    expect(foldersUnder(all, 'w').map((f) => f.id)).toEqual(['w', 'p', 's']); // not Workshop
    expect(foldersUnder(all, 'gone')).toEqual([]);
  });
  it('leaves out a folder being copied and what is under it, in its own drive only', () => {
    const group = { label: 'My files', driveId: 'd1', rootId: '', folders: [{ id: '', path: '/ (My files)' }, ...all] };
    const folder = { node_id: 'w', drive_id: 'd1', kind: 'folder' } as NodeRow;
    expect(withoutItem(group, folder).folders.map((f) => f.id)).toEqual(['', 'x']);
    expect(withoutItem({ ...group, driveId: 'd2' }, folder).folders).toHaveLength(5);
    expect(withoutItem(group, { ...folder, kind: 'file' }).folders).toHaveLength(5);
  });
  it('reads the picker\'s value', () => {
    expect(parseDestinationValue('01abc:01def')).toEqual({ driveId: '01abc', parentId: '01def' });
    expect(parseDestinationValue('01abc:')).toEqual({ driveId: '01abc', parentId: '' });
    expect(parseDestinationValue(':x')).toBeUndefined();
    expect(parseDestinationValue('')).toBeUndefined();
  });
});
