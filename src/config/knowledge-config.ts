import ipaddr from 'ipaddr.js';
import { DEFAULT_MIN_RELEVANCE } from '../retriever/relevance.js';
import { DEFAULT_MIN_SIMILARITY } from '../retriever/retriever.js';
import { ConfigError } from './config-error.js';
import { duration, httpUrl, int, num, read, str, type Env, type Parser } from './env-parsers.js';

/** Hosts the webpage importer may reach although they resolve to private addresses. */
export interface AllowList {
  hosts: string[];
  cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export interface KnowledgeConfig {
  /** Queued or running webpage and file imports an account may have at once (more: 429). */
  maxPendingImports: number;
  /** Imports converted at the same time by this process. */
  importConcurrency: number;
  /** Longest one import may take (fetching, converting, indexing) before it fails. */
  importTimeoutMs: number;
  uploadUrlTtlMs: number;
  uploadMaxBytes: number;
  webpage: { maxBytes: number; timeoutMs: number; maxRedirects: number; allow: AllowList };
  embeddings: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string | undefined;
    timeoutMs: number;
    /** Passages less similar than this (cosine) to a question are not vector hits. */
    minSimilarity: number;
  };
  /** Passages handed to a reply. */
  retrievalPassages: number;
  /** The relevance floor: the least share of a question's weight a passage must contain to be found (0–1). */
  retrievalMinRelevance: number;
}

const MB = 1024 * 1024;

/** `localhost, 127.0.0.1, 10.0.0.0/8, fd00::/8`: host names, addresses and CIDR ranges. */
export const allowListParser: Parser<AllowList> = (raw) => {
  const list: AllowList = { hosts: [], cidrs: [] };
  for (const entry of raw.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    if (entry.includes('/')) {
      try {
        list.cidrs.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new Error(`expects host names, IP addresses or CIDR ranges separated by commas; "${entry}" is none`);
      }
    } else if (ipaddr.isValid(entry)) {
      const ip = ipaddr.parse(entry);
      list.cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9.-]+$/.test(entry)) {
      list.hosts.push(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`expects host names, IP addresses or CIDR ranges separated by commas; "${entry}" is none`);
    }
  }
  return list;
};

export function readKnowledgeConfig(env: Env): KnowledgeConfig {
  if (env.EMBEDDINGS_BASE_URL && !env.EMBEDDINGS_MODEL) {
    throw new ConfigError('EMBEDDINGS_MODEL', 'is required when EMBEDDINGS_BASE_URL is set', '');
  }
  return {
    maxPendingImports: read(env, 'IMPORT_MAX_PENDING', int(1, 1_000_000), 10),
    importConcurrency: read(env, 'IMPORT_CONCURRENCY', int(1, 64), 2),
    importTimeoutMs: read(env, 'IMPORT_TIMEOUT', duration(100), 300_000),
    uploadUrlTtlMs: read(env, 'UPLOAD_URL_TTL', duration(1000, 7 * 86_400_000), 3_600_000),
    uploadMaxBytes: read(env, 'UPLOAD_MAX_BYTES', int(1, 100 * MB), 100 * MB),
    webpage: {
      maxBytes: read(env, 'WEBPAGE_MAX_BYTES', int(1024, 100 * MB), 5 * MB),
      timeoutMs: read(env, 'WEBPAGE_TIMEOUT', duration(100, 600_000), 20_000),
      maxRedirects: read(env, 'WEBPAGE_MAX_REDIRECTS', int(0, 20), 5),
      allow: read(env, 'WEBPAGE_ALLOWED_HOSTS', allowListParser, { hosts: [], cidrs: [] }),
    },
    embeddings: {
      baseUrl: read(env, 'EMBEDDINGS_BASE_URL', httpUrl),
      apiKey: read(env, 'EMBEDDINGS_API_KEY', str),
      model: read(env, 'EMBEDDINGS_MODEL', str),
      timeoutMs: read(env, 'EMBEDDINGS_TIMEOUT', duration(100, 600_000), 30_000),
      minSimilarity: read(env, 'EMBEDDINGS_MIN_SIMILARITY', num(-1, 1), DEFAULT_MIN_SIMILARITY),
    },
    retrievalPassages: read(env, 'RETRIEVAL_PASSAGES', int(1, 50), 5),
    retrievalMinRelevance: read(env, 'RETRIEVAL_MIN_RELEVANCE', num(0, 1), DEFAULT_MIN_RELEVANCE),
  };
}
