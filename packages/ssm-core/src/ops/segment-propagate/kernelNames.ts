/** tfjs kernel names of the fused gather + segment sum and of its per-edge weight gradient. */
export const GATHER_SEGMENT_SUM_KERNEL = 'StatespaceGatherSegmentSum';
export const GATHER_SEGMENT_SUM_WEIGHT_GRAD_KERNEL = 'StatespaceGatherSegmentSumWeightGrad';

/** 'none': no weight; 'edge': one weight per edge (E); 'channel': one per edge and channel (E, d). */
export type EdgeWeightMode = 'none' | 'edge' | 'channel';

export interface GatherSegmentSumAttrs {
  numSegments: number;
  weightMode: EdgeWeightMode;
}
