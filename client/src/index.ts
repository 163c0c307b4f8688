export { ParleyClient, type ParleyClientOptions, type UploadBody } from './parley-client.js';
export { ParleyError } from './parley-error.js';
export { ReplyStream, type ReplyStreamOptions } from './reply-stream.js';
export type * from './types.js';
