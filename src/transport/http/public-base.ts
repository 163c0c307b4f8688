import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';

/** PUBLIC_URL, else the address the client reached us at: the base of URLs Parley hands out. */
export const publicBase = (config: Config, request: FastifyRequest): string =>
  config.publicUrl ?? `${request.protocol}://${request.host}`;
