/**
 * Positions whose taps would reach across a change of segment id, per batch row: l is listed
 * (with the start s of its run) when s > 0 and l − s < W − 1. The kernels run without segments
 * and then fix only these positions, so packed sequences cost almost nothing extra.
 * The run that starts at l = 0 continues the initial conv state, so it is never listed.
 */
export interface SegmentFixes {
  /** (Bt + 1) offsets into `positions` / `starts`. */
  offsets: Int32Array;
  positions: Int32Array;
  starts: Int32Array;
}

export function segmentFixes(segmentIds: Int32Array, batch: number, len: number, width: number): SegmentFixes {
  const offsets = new Int32Array(batch + 1);
  const positions: number[] = [];
  const starts: number[] = [];
  for (let b = 0; b < batch; b++) {
    offsets[b] = positions.length;
    const row = b * len;
    let start = 0;
    for (let l = 1; l < len; l++) {
      if (segmentIds[row + l] !== segmentIds[row + l - 1]) start = l;
      if (start > 0 && l - start < width - 1) {
        positions.push(l);
        starts.push(start);
      }
    }
  }
  offsets[batch] = positions.length;
  return { offsets, positions: Int32Array.from(positions), starts: Int32Array.from(starts) };
}
