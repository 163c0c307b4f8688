import { describe, expect, it } from 'vitest';
import { fuseHits } from './fuse-hits.js';
import { RRF_K } from './reciprocal-rank-fusion.js';

describe('fuseHits', () => {
  const text = [{ id: 1, text: 'one' }, { id: 2, text: 'two' }];

  it('ranks by reciprocal rank over both lists and reads only the passages found by vector alone', async () => {
    const read: number[][] = [];
    const fused = await fuseHits(text, [2, 3], 3, (ids) => {
      read.push(ids);
      return ids.map((id) => ({ id, text: `read ${id}` }));
    });
    expect(fused.map((f) => f.row)).toEqual([{ id: 2, text: 'two' }, { id: 1, text: 'one' }, { id: 3, text: 'read 3' }]);
    expect(fused[0].score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    expect(read).toEqual([[3]]);
  });

  it('reads nothing when the vector hits are full-text hits too, and leaves out a passage not read back', async () => {
    const never = () => { throw new Error('read'); };
    expect((await fuseHits(text, [1], 2, never)).map((f) => f.row.id)).toEqual([1, 2]);
    expect((await fuseHits(text, [9], 3, async () => [])).map((f) => f.row.id)).toEqual([1, 2]);
  });

  it('keeps the first `limit` of the fused ranking before reading', async () => {
    const read: number[][] = [];
    await fuseHits(text, [7, 8], 2, (ids) => { read.push(ids); return []; });
    expect(read).toEqual([[7]]);
  });
});
