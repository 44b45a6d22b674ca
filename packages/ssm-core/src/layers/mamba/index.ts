export { Mamba, mamba } from './mamba';
export type { MambaArgs } from './mamba';
export { BiMamba, biMamba, BI_MAMBA_COMBINES, BI_MAMBA_OUTPUTS } from './biMamba';
export type { BiMambaArgs, BiMambaCombine, BiMambaOutput } from './biMamba';
export { Block, block } from './block';
export type { BlockArgs, SerializedLayer } from './block';
export { MambaCore } from './mambaCore';
export { resolveMambaConfig } from './mambaConfig';
export type { MambaOptions, MambaConfig } from './mambaConfig';
