export { Mamba, mamba } from './mamba';
export type { MambaArgs } from './mamba';
export { BiMamba, biMamba, BI_MAMBA_COMBINES } from './biMamba';
export type { BiMambaArgs, BiMambaCombine } from './biMamba';
export { Block, block } from './block';
export type { BlockArgs, SerializedLayer } from './block';
export { MambaCore } from './mambaCore';
export { resolveMambaConfig } from './mambaConfig';
export type { MambaOptions, MambaConfig } from './mambaConfig';
