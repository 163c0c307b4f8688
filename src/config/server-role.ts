/** What `parley serve --role` (or PARLEY_ROLE) may be. */
export const SERVER_ROLES = ['api', 'stream', 'worker', 'all'] as const;

export type ServerRole = (typeof SERVER_ROLES)[number];

/** What a process of each role does, besides /healthz, /readyz and /metrics, which every role serves. */
export interface RoleDuties {
  /** /api/v1, the upload URLs and the playground; replies are generated where they are sent. */
  api: boolean;
  /** The stream URLs, /stream/<token>. */
  streams: boolean;
  /** Claims and runs import jobs, and sweeps uploads that will never be imported. */
  imports: boolean;
}

const DUTIES: Record<ServerRole, RoleDuties> = {
  api: { api: true, streams: false, imports: false },
  stream: { api: false, streams: true, imports: false },
  worker: { api: false, streams: false, imports: true },
  all: { api: true, streams: true, imports: true },
};

export const dutiesOf = (role: ServerRole): RoleDuties => DUTIES[role];

export const isServerRole = (value: string): value is ServerRole => (SERVER_ROLES as readonly string[]).includes(value);
