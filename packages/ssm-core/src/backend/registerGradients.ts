// tfjs-core's Node bundle (dist/tf-core.node.js) registers no gradients, so tf.grads on any
// built-in op fails with "gradient function not found". tfjs-layers' Node bundle carries and
// registers all of them (as the @tensorflow/tfjs union package does): importing it is enough.
import '@tensorflow/tfjs-layers';
