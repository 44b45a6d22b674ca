// Importing this module registers every point-cloud layer with tf.serialization (needed before loading a model).
import './pointLayers';
import './orderedMamba';
import './groupEmbed';
import './batchNorm';
