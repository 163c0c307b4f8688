import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { Config } from '../../config/config.js';
import { notFound } from '../../errors.js';
import { pageSecurityHeaders } from './page-security.js';

/** The checkout's root: this file sits three folders below it, in src/ and in dist/ alike. */
export const CHECKOUT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A file a page is made of: where it is on disk, and its Content-Type. */
export interface PageFile {
  file: string;
  type: string;
}

/**
 * Sends the files of the pages Parley serves (the playground, the reference), with the pages'
 * security headers; `what not found.` otherwise. Each is read from disk once, when first asked
 * for, and kept: they are the installed package's own (Swagger UI's bundle is over a megabyte),
 * and do not change while the server runs.
 */
export function pageFileSender(config: Pick<Config, 'publicUrl' | 'streamPublicUrl'>) {
  const headers = pageSecurityHeaders(config);
  const read = new Map<string, Promise<Buffer | undefined>>();
  const contentOf = (file: string) => {
    let body = read.get(file);
    if (!body) {
      body = readFile(file).catch(() => undefined);
      read.set(file, body);
    }
    return body;
  };
  return async function sendPageFile(reply: FastifyReply, entry: PageFile | undefined, what: string): Promise<FastifyReply> {
    const body = entry && (await contentOf(entry.file));
    if (!entry || !body) throw notFound(what);
    return reply.type(entry.type).headers(headers).header('cache-control', 'no-cache').send(body);
  };
}
