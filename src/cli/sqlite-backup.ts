import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config/config.js';
import { sqlitePathOf } from '../store/sqlite/sqlite-database.js';
import { migrations } from '../store/sqlite/migrations.js';
import { CliError, EXIT } from './cli-error.js';
import type { Flags } from './command.js';
import { printResult } from './print-result.js';

const failed = (message: string) => new CliError(message, EXIT.failed);

/** The SQLite file DATABASE_URL names; PostgreSQL has its own tools. */
function sqliteFile(config: Config, verb: 'backup' | 'restore'): string {
  if (!config.databaseUrl.startsWith('sqlite:')) {
    throw failed(`parley ${verb} works on the embedded SQLite store; for PostgreSQL use ` +
      (verb === 'backup' ? 'pg_dump --format=custom --file=parley.dump "$DATABASE_URL"' : 'pg_restore --clean --dbname="$DATABASE_URL" parley.dump') +
      ' (see the README, PostgreSQL)');
  }
  const file = sqlitePathOf(config.databaseUrl);
  if (file === ':memory:') throw failed(`parley ${verb}: DATABASE_URL names an in-memory database`);
  return path.resolve(file);
}

/** What a Parley database holds, read from a copy: checked whole, and counted for the report. */
function inspect(file: string): { schemaVersion: number; accounts: number; messages: number; documents: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw failed(`${file} cannot be opened as an SQLite database: ${(err as Error).message}`);
  }
  try {
    const integrity = db.prepare('PRAGMA integrity_check').pluck().get();
    if (integrity !== 'ok') throw failed(`${file} is damaged: integrity_check says ${String(integrity)}`);
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!['schema_migrations', 'accounts', 'messages', 'documents'].every((t) => tables.has(t))) {
      throw failed(`${file} is not a Parley database (it lacks Parley's tables)`);
    }
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      schemaVersion: db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number,
      accounts: count('accounts'), messages: count('messages'), documents: count('documents'),
    };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw failed(`${file} cannot be read as a Parley database: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

/** The copy keeps the source's WAL mode; a backup is better one file on its own (the server sets WAL again when it opens it). */
function selfContained(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

const temporaryBeside = (file: string) => `${file}.${process.pid}.partial`;

/**
 * `parley backup PATH`: an online, consistent copy of the SQLite store, taken with SQLite's backup
 * API while the server runs (readers and writers go on; the copy is one moment's state). It is
 * written beside PATH and renamed into place once checked, so PATH is never half a backup.
 */
export async function backup(config: Config, target: string | undefined, flags: Flags): Promise<void> {
  if (!target) throw new CliError('parley backup PATH: name the file to write');
  const source = sqliteFile(config, 'backup');
  const out = path.resolve(target);
  if (!existsSync(source)) throw failed(`there is no database at ${source} to back up`);
  if (existsSync(out)) throw failed(`${out} exists already; name a new file (a backup never overwrites one)`);
  mkdirSync(path.dirname(out), { recursive: true });
  const temporary = temporaryBeside(out);
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    // All remaining pages in the second step: under steady writes a copy in small steps could restart forever.
    await db.backup(temporary, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } catch (err) {
    rmSync(temporary, { force: true });
    throw failed(`the backup could not be written: ${(err as Error).message}`);
  } finally {
    db.close();
  }
  let found;
  try {
    selfContained(temporary);
    found = inspect(temporary);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
  renameSync(temporary, out);
  const bytes = statSync(out).size;
  printResult(flags.json === true, { backup: out, from: source, bytes, schema_version: found.schemaVersion, ...counts(found) },
    `Backed up ${source} to ${out} (${bytes} bytes): ${found.accounts} accounts, ${found.messages} messages, ${found.documents} documents.`);
}

/**
 * `parley restore PATH`: puts a backup in place of the SQLite store. The server must be stopped: a
 * database another process has open is refused (SQLite's exclusive lock tells). The backup is
 * checked first, copied beside the store and renamed over it, so a failure leaves the store as it
 * was; a backup made by an older Parley is migrated at the next start.
 */
export async function restore(config: Config, from: string | undefined, flags: Flags): Promise<void> {
  if (!from) throw new CliError('parley restore PATH: name the backup to restore');
  const target = sqliteFile(config, 'restore');
  const backupFile = path.resolve(from);
  if (!existsSync(backupFile)) throw failed(`there is no backup at ${backupFile}`);
  const found = inspect(backupFile);
  const latest = Math.max(...migrations.map((m) => m.version));
  if (found.schemaVersion > latest) {
    throw failed(`${backupFile} was made by a newer Parley (schema ${found.schemaVersion}; this one knows up to ${latest})`);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = temporaryBeside(target);
  const source = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(temporary);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw failed(`the backup could not be copied: ${(err as Error).message}`);
  } finally {
    source.close();
  }
  try {
    replaceWhileUnused(target, temporary);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
  printResult(flags.json === true, { restored: target, from: backupFile, schema_version: found.schemaVersion, ...counts(found) },
    `Restored ${backupFile} to ${target}: ${found.accounts} accounts, ${found.messages} messages, ${found.documents} documents.`);
}

/** Renames `replacement` over `target` unless another process has `target` open (a running server). */
function replaceWhileUnused(target: string, replacement: string): void {
  if (existsSync(target)) {
    const current = new Database(target, { timeout: 0 });
    try {
      // Exclusive locking mode takes a lock that any other open connection (in WAL mode, too) prevents.
      current.pragma('locking_mode = EXCLUSIVE');
      current.exec('BEGIN EXCLUSIVE');
      current.exec('COMMIT');
      // What the WAL holds goes into the old file, which is about to be replaced anyway; then nothing refers to it.
      current.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      current.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw failed(`${target} is in use (stop parley serve, and any other process using it, before restoring)`);
      }
      throw failed(`${target} cannot be replaced: ${(err as Error).message}`);
    }
    current.close();
  }
  // The old file's WAL and index go first: the new file must not be opened with them.
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(replacement, target);
}

const counts = (f: { accounts: number; messages: number; documents: number }) =>
  ({ accounts: f.accounts, messages: f.messages, documents: f.documents });
