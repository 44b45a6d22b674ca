import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { writeFileAtomically } from '../io/atomicWrite';

/**
 * Renders an SVG string to a PNG file with sharp (librsvg), written atomically (temp file + rename).
 * `scale` 1 gives one PNG pixel per SVG unit (librsvg's 72 dpi); 2 for a sharper, twice-as-large image.
 */
export async function writePng(svg: string, file: string, scale = 1): Promise<void> {
  if (!(typeof scale === 'number' && scale > 0 && scale <= 8)) throw new Error(`writePng: argument 'scale' must be a number in (0, 8], received ${String(scale)}`);
  const density = 72 * scale;
  if (typeof svg !== 'string' || !/<svg\b/.test(svg)) throw new Error(`writePng: argument 'svg' must be an SVG document string, received ${typeof svg === 'string' ? `'${svg.slice(0, 40)}'` : typeof svg}`);
  if (typeof file !== 'string' || file.length === 0) throw new Error(`writePng: argument 'file' must be a non-empty path, received ${String(file)}`);
  let png: Buffer;
  try {
    png = await sharp(Buffer.from(svg, 'utf8'), { density }).png().toBuffer();
  } catch (e) {
    throw new Error(`writePng: cannot render the SVG for ${file}: ${(e as Error).message}`);
  }
  await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomically.commit(await writeFileAtomically.prepare(path.resolve(file), [png]));
}
