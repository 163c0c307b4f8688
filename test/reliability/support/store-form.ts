import { scaledServices } from '../../support/test-services.js';
import { FORM } from './figures.js';

export interface FormEnv {
  /** What to add to a Parley's environment so that it runs on this form. */
  env: Record<string, string>;
  /** Drops what was made for it (the PostgreSQL database). */
  cleanup(): Promise<void>;
}

/**
 * The environment of one Parley on the form under test: nothing for the embedded one (SQLite in
 * its data folder, the in-process bus); for postgresql+redis, a fresh database on the server of
 * PARLEY_TEST_DATABASE_URL and a key prefix of its own on the test Redis.
 */
export async function formEnv(label: string): Promise<FormEnv> {
  if (FORM === 'embedded') return { env: {}, cleanup: async () => {} };
  const services = await scaledServices(`rel-${label}`);
  return { env: services.env, cleanup: services.drop };
}
