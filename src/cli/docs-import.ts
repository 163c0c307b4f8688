import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { formatOf, type FileFormat } from '../extract/file-formats.js';
import { CliError, EXIT, notFound } from './cli-error.js';
import type { Flags } from './command.js';
import { printResult, table } from './print-result.js';
import { progressBar } from './progress-bar.js';
import { serverUrl } from './server-url.js';

const CONTENT_TYPES: Record<FileFormat, string> = {
  txt: 'text/plain', md: 'text/markdown', html: 'text/html', htm: 'text/html', rtf: 'application/rtf',
  pdf: 'application/pdf', doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  docm: 'application/vnd.ms-word.document.macroEnabled.12', ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pptm: 'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
};

interface Imported {
  file: string;
  id: string | null;
  status: 'synced' | 'sync_failed' | 'refused';
  reason: string | null;
}

/**
 * `parley docs import --folder ID PATH...`: each file goes through the API as a client's would (a
 * signed upload URL, the PUT, `POST /documents/file`), then its document is watched until it is
 * synced or has failed. Too many imports pending (429) waits for earlier ones to finish.
 */
export async function docsImport(config: Config, paths: string[], flags: Flags): Promise<void> {
  const folder = typeof flags.folder === 'string' ? flags.folder : '';
  if (!folder) throw new CliError('--folder is required (parley docs import --help)');
  if (!paths.length) throw new CliError('name at least one file: parley docs import --folder ID PATH...');
  const key = typeof flags.key === 'string' && flags.key ? flags.key : process.env.PARLEY_API_KEY;
  if (!key) throw new CliError('an API key is needed: --key KEY or PARLEY_API_KEY');
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s?.isFile()) throw notFound(`no file ${p}`);
    if (!formatOf(p)) throw new CliError(`${p}: not a format Parley imports (${Object.keys(CONTENT_TYPES).join(', ')})`);
  }
  const api = `${serverUrl(config, flags)}/api/v1`;
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: Error) => {
      throw new CliError(`the server at ${api} does not answer (${err.message}); start it, or give --url`, EXIT.failed);
    });
    const json = (await res.json().catch(() => ({}))) as { data?: Record<string, string>; message?: string };
    if (res.status === 401) throw new CliError('the server refused the API key', EXIT.failed);
    return { status: res.status, json };
  };

  const bar = progressBar(paths.length, !flags.json);
  const results: Imported[] = [];
  const pending = new Map<string, Imported>();
  for (const p of paths) {
    const file = path.basename(p);
    bar.update(results.length, `uploading ${file}`);
    const contentType = CONTENT_TYPES[formatOf(p)!];
    const signed = await call('POST', '/uploads/signed-url', { file_name: file, content_type: contentType });
    if (signed.status !== 200) {
      results.push({ file: p, id: null, status: 'refused', reason: signed.json.message ?? `HTTP ${signed.status}` });
      continue;
    }
    const put = await fetch(signed.json.data!.url, { method: 'PUT', body: await readFile(p), headers: { 'content-type': contentType } });
    if (put.status !== 200) {
      results.push({ file: p, id: null, status: 'refused', reason: ((await put.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${put.status}` });
      continue;
    }
    for (;;) {
      const made = await call('POST', '/documents/file', { folder_id: folder, key: signed.json.data!.key });
      if (made.status === 422 && /folder id/.test(made.json.message ?? '')) throw notFound(`no folder ${folder} in the key's account`);
      // The account's pending imports are bounded: let earlier ones finish, then ask again.
      if (made.status === 429 && pending.size) {
        await settle(pending, results, call, bar, 1);
        continue;
      }
      if (made.status !== 200) results.push({ file: p, id: null, status: 'refused', reason: made.json.message ?? `HTTP ${made.status}` });
      else pending.set(made.json.data!.id, { file: p, id: made.json.data!.id, status: 'sync_failed', reason: null });
      break;
    }
  }
  await settle(pending, results, call, bar, pending.size);
  bar.done();

  const failed = results.filter((r) => r.status !== 'synced').length;
  printResult(!!flags.json, { data: results, imported: results.length - failed, failed },
    `${table(results.map((r) => ({ file: r.file, document: r.id, status: r.status, reason: r.reason })))}\n` +
    `${results.length - failed} imported, ${failed} failed`);
  if (failed) process.exitCode = EXIT.failed;
}

type Call = (method: string, route: string) => Promise<{ status: number; json: { data?: Record<string, string>; message?: string } }>;

/** Polls the pending documents until `count` of them have left `syncing`. */
async function settle(pending: Map<string, Imported>, results: Imported[], call: Call, bar: ReturnType<typeof progressBar>, count: number) {
  let settled = 0;
  while (settled < count && pending.size) {
    for (const [id, item] of pending) {
      const doc = await call('GET', `/documents/${id}`);
      const status = doc.json.data?.status;
      if (status === 'syncing') continue;
      pending.delete(id);
      results.push({ ...item, status: status === 'synced' ? 'synced' : 'sync_failed', reason: doc.json.data?.failure_reason ?? null });
      settled++;
      bar.update(results.length, `${path.basename(item.file)}: ${status}`);
    }
    if (settled < count && pending.size) await new Promise((r) => setTimeout(r, 250));
  }
}
