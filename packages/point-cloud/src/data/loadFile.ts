import * as fs from 'fs';
import * as path from 'path';
import { parsePcd } from './pcd';
import { parsePly } from './ply';
import { parseOff, parseXyz } from './textFormats';
import type { PointCloud } from './types';

export const POINT_FILE_EXTENSIONS = ['.pcd', '.ply', '.off', '.xyz', '.txt', '.pts'];

/** Loads one point-cloud file, chosen by extension: .pcd, .ply, .off (vertices), .xyz / .txt / .pts. */
export function loadPointCloudFile(file: string): PointCloud {
  const ext = path.extname(file).toLowerCase();
  const buf = fs.readFileSync(file);
  switch (ext) {
    case '.pcd': return parsePcd(buf, file);
    case '.ply': return parsePly(buf, file);
    case '.off': return parseOff(buf.toString('latin1'), file);
    case '.xyz': case '.txt': case '.pts': return parseXyz(buf.toString('latin1'), file);
    default: throw new Error(`${file}: unknown point-cloud extension '${ext}', expected one of ${POINT_FILE_EXTENSIONS.join(', ')}`);
  }
}
