import type { Config } from '../config/config.js';
import type { Flags } from './command.js';

/** The server a command talks to: `--url`, else PUBLIC_URL, else the configured HOST and PORT. */
export function serverUrl(config: Config, flags: Flags): string {
  const given = typeof flags.url === 'string' && flags.url !== '' ? flags.url : config.publicUrl;
  if (given) return given.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}
