import * as tf from '@tensorflow/tfjs-core';

/**
 * a·b with a gradient that transposes explicitly and then multiplies without transpose flags: on the wasm
 * backend tfjs's BatchMatMul with transposeA/transposeB runs ~15× slower than on pre-transposed operands
 * (measured: 2708×1433 by 64, 1329 ms vs 98 ms under load), which made Cora's first layer dominate training.
 * `needInputGrad: false` skips da (the raw node features need none).
 */
export function projectRows(a: tf.Tensor2D, b: tf.Tensor2D, needInputGrad = true): tf.Tensor2D {
  const f = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor2D[];
        const dw = tf.matMul(tf.transpose(xs), dy as tf.Tensor2D);
        const dx = needInputGrad ? tf.matMul(dy as tf.Tensor2D, tf.transpose(ws)) : tf.zerosLike(xs);
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(a, b) as tf.Tensor2D;
}
