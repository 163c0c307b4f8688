import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import type { AllowList } from '../config/knowledge-config.js';
import { mayConnect } from './address-policy.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  allow: AllowList;
}

export interface FetchedPage {
  /** Where the page was found, after redirects. */
  url: string;
  contentType: string;
  body: Buffer;
}

/** Why a page could not be fetched; the message is shown as the document's failure reason. */
export class FetchError extends Error {}

/**
 * GETs an http(s) URL for the webpage importer, refusing to reach addresses `mayConnect` forbids.
 * The check runs on the addresses DNS returns at connection time (so a name cannot resolve to a
 * public address when checked and a private one when used) and again for every redirect; size,
 * time and redirects are bounded.
 */
export async function guardedFetch(rawUrl: string, limits: FetchLimits): Promise<FetchedPage> {
  const deadline = Date.now() + limits.timeoutMs;
  let url = parseHttpUrl(rawUrl);
  for (let hop = 0; ; hop++) {
    const res = await get(url, limits, deadline);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.destroy();
      if (hop >= limits.maxRedirects) throw new FetchError(`The page redirected more than ${limits.maxRedirects} times.`);
      url = parseHttpUrl(redirectTarget(res.headers.location, url));
      continue;
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      throw new FetchError(`The page answered with HTTP status ${status}.`);
    }
    const body = await readBody(res, limits.maxBytes, deadline);
    return { url: url.toString(), contentType: String(res.headers['content-type'] ?? ''), body };
  }
}

/** Where a redirect points, resolved against the page's URL; a Location that is no URL is the page's fault, said as such. */
function redirectTarget(location: string, from: URL): string {
  try {
    return new URL(location, from).toString();
  } catch {
    throw new FetchError('The page redirected to an address that is not a valid URL.');
  }
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError('The URL is not valid.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError('Only http and https URLs can be imported.');
  if (url.username || url.password) throw new FetchError('URLs with credentials cannot be imported.');
  return url;
}

const refused = (host: string) => new FetchError(`The address of ${host} is not allowed (private, loopback, link-local or reserved).`);

function guardedLookup(allow: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const ok = addresses.filter((a) => mayConnect(a.address, hostname, allow));
      // One forbidden address is enough to refuse: a name that resolves to both is suspect.
      if (!ok.length || ok.length !== addresses.length) return callback(refused(hostname), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      callback(null, ok[0].address, ok[0].family);
    });
  };
}

function get(url: URL, limits: FetchLimits, deadline: number): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Literal addresses never go through the lookup function, so they are checked here.
  if (isIP(host) && !mayConnect(host, host, limits.allow)) return Promise.reject(refused(host));
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(timedOut(limits));
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, {
      lookup: guardedLookup(limits.allow),
      headers: {
        'user-agent': 'Parley/0.1 (webpage import)',
        accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
      },
      timeout: remaining,
      agent: false,
    });
    req.on('timeout', () => req.destroy(timedOut(limits)));
    req.on('response', resolve);
    req.on('error', (err) => reject(err instanceof FetchError ? err : new FetchError(`The page could not be fetched (${err.message}).`)));
  });
}

const timedOut = (limits: FetchLimits) => new FetchError(`The page did not arrive within ${Math.round(limits.timeoutMs / 1000)} seconds.`);

async function readBody(res: IncomingMessage, maxBytes: number, deadline: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw tooLarge(maxBytes);
  }
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const decode = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
    : encoding === 'deflate' ? zlib.createInflate()
      : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
  const stream = decode ? res.pipe(decode) : res;
  const timer = setTimeout(() => stream.destroy(new FetchError(`The page did not arrive within the time allowed.`)), Math.max(0, deadline - Date.now()));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(`The page could not be read (${(err as Error).message}).`);
  } finally {
    clearTimeout(timer);
    res.destroy();
  }
}

const tooLarge = (maxBytes: number) => new FetchError(`The page is larger than ${maxBytes} bytes.`);
