export { fileSystemIO, FileSystemIO, MODEL_JSON, WEIGHTS_BIN } from './fileSystemIO';
export type { FileSystemIOOptions } from './fileSystemIO';
export { registerFileSystemRouters, FILE_SCHEME } from './fileRouters';
