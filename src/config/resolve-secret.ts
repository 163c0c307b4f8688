import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error.js';

/** The shortest secret taken, from PARLEY_SECRET or from the file: stream URL keys are derived from it. */
export const MIN_SECRET_LENGTH = 32;

/**
 * PARLEY_SECRET when given; else the one kept in the data folder, made on first use.
 * Processes that share a store must share this secret, or their stream URLs will not open elsewhere.
 * A secret file shorter than MIN_SECRET_LENGTH (empty, cut short) stops the start: a key derived
 * from "" would let anyone mint stream URLs.
 */
export function resolveSecret(given: string | undefined, dataDir: string): string {
  if (given) return given;
  const file = path.join(dataDir, 'secret');
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  if (!publishAtomically(file, secret + '\n')) return readSecretFile(file)!;
  return secret;
}

function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (text.length < MIN_SECRET_LENGTH) {
    // The length only: the message may end up in logs, and the text is (part of) a secret.
    throw new ConfigError('PARLEY_SECRET', `is not set, and the secret file ${file} holds ${text.length} characters where at `
      + `least ${MIN_SECRET_LENGTH} are needed: set PARLEY_SECRET, or delete the file to have a new secret made `
      + '(stream URLs already given out then stop working)', null);
  }
  return text;
}

/**
 * Writes `text` to `file` only if no file is there, and only whole: it is written and synced under
 * a name of its own, then linked into place, which fails when another process got there first (the
 * caller then reads that one's secret, so both agree). A crash leaves no file or a whole one,
 * never the empty file that `open(wx)` followed by `write` can leave. False when `file` existed.
 */
function publishAtomically(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: a rename is atomic too, though the last of two racing writers wins.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      renameSync(temporary, file);
      return true;
    }
    throw err;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Renamed into place already.
    }
  }
}
