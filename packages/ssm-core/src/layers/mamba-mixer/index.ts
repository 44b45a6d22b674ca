export { MambaMixer, mambaMixer, mixerPrefix } from './mambaMixer';
export type { MambaMixerArgs } from './mambaMixer';
export { resolveMambaMixerConfig } from './mambaMixerConfig';
export type { MambaMixerOptions, MambaMixerConfig } from './mambaMixerConfig';
