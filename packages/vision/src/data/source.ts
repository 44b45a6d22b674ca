/**
 * A labelled image collection that is read in batches. Pixels come back as float32 in [0, 1],
 * (count, height, width, channels) row-major. In-memory sources (IDX) hold uint8 pixels; file
 * sources (image folders, CSV manifests) decode each batch on demand, so a large folder is never
 * held in memory at once.
 */
export interface ImageBatch {
  x: Float32Array;
  labels: Int32Array;
  count: number;
  /** Files that could not be decoded and were skipped (skipBad). */
  skipped: string[];
}

export interface ImageSource {
  readonly description: string;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly classNames: string[];
  /** Label of each item (cheap: no decoding). */
  readonly labels: Int32Array;
  read(indices: ArrayLike<number>): Promise<ImageBatch>;
}

/** uint8 images (n, h, w, c) held in memory. */
export class ArrayImageSource implements ImageSource {
  constructor(
    readonly description: string,
    private readonly pixels: Uint8Array,
    readonly labels: Int32Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
    readonly classNames: string[],
  ) {
    const per = height * width * channels;
    if (pixels.length !== labels.length * per) throw new Error(`${description}: ${pixels.length} pixel bytes for ${labels.length} images of ${height}×${width}×${channels}`);
  }

  get size(): number {
    return this.labels.length;
  }

  async read(indices: ArrayLike<number>): Promise<ImageBatch> {
    return this.readSync(indices);
  }

  readSync(indices: ArrayLike<number>): ImageBatch {
    const per = this.height * this.width * this.channels;
    const n = indices.length;
    const x = new Float32Array(n * per);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = indices[i];
      if (!(j >= 0 && j < this.size)) throw new Error(`${this.description}: index ${j} out of range [0, ${this.size})`);
      const off = j * per;
      for (let p = 0; p < per; p++) x[i * per + p] = this.pixels[off + p] / 255;
      labels[i] = this.labels[j];
    }
    return { x, labels, count: n, skipped: [] };
  }
}

/** The items `indices` of `source` as a source of their own (train / validation splits). */
export class SubsetSource implements ImageSource {
  readonly labels: Int32Array;
  constructor(private readonly source: ImageSource, private readonly indices: Int32Array, readonly description: string) {
    this.labels = Int32Array.from(indices, (i) => source.labels[i]);
  }
  get size(): number { return this.indices.length; }
  get height(): number { return this.source.height; }
  get width(): number { return this.source.width; }
  get channels(): number { return this.source.channels; }
  get classNames(): string[] { return this.source.classNames; }
  read(indices: ArrayLike<number>): Promise<ImageBatch> {
    return this.source.read(Int32Array.from(indices as ArrayLike<number>, (i) => this.indices[i]));
  }
}

/** Splits off the LAST `holdout` items as validation (the benchmark's protocol: last 10k of Fashion-MNIST train). */
export function holdOutLast(source: ImageSource, holdout: number): { train: ImageSource; val: ImageSource } {
  if (!Number.isInteger(holdout) || holdout < 1 || holdout >= source.size) {
    throw new Error(`holdOutLast: 'holdout' must be an integer in [1, ${source.size - 1}], received ${holdout}`);
  }
  const cut = source.size - holdout;
  return {
    train: new SubsetSource(source, Int32Array.from({ length: cut }, (_, i) => i), `${source.description} [0, ${cut})`),
    val: new SubsetSource(source, Int32Array.from({ length: holdout }, (_, i) => cut + i), `${source.description} [${cut}, ${source.size})`),
  };
}
