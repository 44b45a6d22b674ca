import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { causalConv1d, causalConv1dStep, initialConvState } from './causalConv1d';

describe('causalConv1d argument checks', () => {
  let x: tf.Tensor3D;
  let w: tf.Tensor2D;
  beforeAll(async () => {
    await useBackend('cpu');
    x = tf.zeros([2, 3, 5]);
    w = tf.zeros([3, 4]);
  });
  afterAll(() => tf.dispose([x, w]));

  test.each([
    ['W > 8', () => causalConv1d({ x, weight: tf.zeros([3, 9]) as tf.Tensor2D }), /causalConv1d: argument 'weight' must have width W in \[1, 8\], received shape \[3, 9\]/],
    ['W = 0', () => causalConv1d({ x, weight: tf.zeros([3, 0]) as tf.Tensor2D }), /'weight' must have width W in \[1, 8\], received shape \[3, 0\]/],
    ['weight/x D mismatch', () => causalConv1d({ x, weight: tf.zeros([4, 4]) as tf.Tensor2D }), /argument 'weight' must have shape \(D=3, W\), received shape \[4, 4\]/],
    ['x rank 2', () => causalConv1d({ x: tf.zeros([3, 5]) as unknown as tf.Tensor3D, weight: w }), /argument 'x' must have rank 3 \(Bt, D, L\), received rank 2 with shape \[3, 5\]/],
    ['weight rank 1', () => causalConv1d({ x, weight: tf.zeros([3]) as unknown as tf.Tensor2D }), /argument 'weight' must have rank 2 \(D, W\), received rank 1/],
    ['x dtype', () => causalConv1d({ x: tf.zeros([2, 3, 5], 'int32') as tf.Tensor3D, weight: w }), /argument 'x' must have dtype float32, received int32/],
    ['x not a tensor', () => causalConv1d({ x: [1, 2] as unknown as tf.Tensor3D, weight: w }), /argument 'x' must be a tf.Tensor, received object/],
    ['bias shape', () => causalConv1d({ x, weight: w, bias: tf.zeros([4]) as tf.Tensor1D }), /argument 'bias' must have shape \(D=3\), received shape \[4\]/],
    ['bad activation', () => causalConv1d({ x, weight: w, activation: 'relu' as 'silu' }), /option 'activation' must be 'silu' or 'none', received "relu"/],
    ['segmentIds dtype', () => causalConv1d({ x, weight: w, segmentIds: tf.zeros([2, 5]) as tf.Tensor2D }), /argument 'segmentIds' must have dtype int32, received float32/],
    ['segmentIds shape', () => causalConv1d({ x, weight: w, segmentIds: tf.zeros([2, 4], 'int32') as tf.Tensor2D }), /argument 'segmentIds' must have shape \(Bt=2, L=5\), received shape \[2, 4\]/],
    ['initialConvState shape', () => causalConv1d({ x, weight: w, initialConvState: tf.zeros([2, 3, 4]) as tf.Tensor3D }), /argument 'initialConvState' must have shape \(Bt=2, D=3, W-1=3\), received shape \[2, 3, 4\]/],
    ['step convState shape', () => causalConv1dStep({ x, weight: w, convState: tf.zeros([2, 3, 2]) as tf.Tensor3D }), /causalConv1dStep: argument 'convState' must have shape \(Bt=2, D=3, W-1=3\), received shape \[2, 3, 2\]/],
    ['step convState missing', () => causalConv1dStep({ x, weight: w } as never), /causalConv1dStep: argument 'convState' must be a tf.Tensor, received undefined/],
    ['step W > 8', () => causalConv1dStep({ x, weight: tf.zeros([3, 9]) as tf.Tensor2D, convState: tf.zeros([2, 3, 8]) as tf.Tensor3D }), /causalConv1dStep: argument 'weight' must have width W in \[1, 8\]/],
    ['no argument object', () => causalConv1d(undefined as never), /causalConv1d: expected an argument object/],
    ['initialConvState width', () => initialConvState(1, 2, 9), /initialConvState: argument 'width' must be in \[1, 8\], received 9/],
    ['initialConvState batch', () => initialConvState(0, 2, 4), /initialConvState: argument 'batch' must be an integer >= 1, received 0/],
  ])('%s', (_name, fn, pattern) => {
    expect(() => tf.tidy(fn as () => void)).toThrow(pattern);
  });
});
