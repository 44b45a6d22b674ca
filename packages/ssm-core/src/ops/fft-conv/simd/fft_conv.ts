// placeholder: being written
import { expv } from "../../../../assembly/simd_math";
export function placeholder(p: usize): void { v128.store(p, expv(v128.load(p))); }
