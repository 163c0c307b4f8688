// Entry of the harness's helper processes: `upstream [port]`, `relay <upstreamPort>` or `bound <upstreamPort>`. Each prints
// `ready <port>` once listening and stops on SIGTERM, so that it runs on its own core like Parley.
import { startBoundServer } from './bound-server.js';
import { startRelay } from './relay.js';
import { startUpstream } from './upstream.js';

const [role, arg] = process.argv.slice(2);
const server = role === 'upstream' ? await startUpstream(Number(arg ?? 0))
  : role === 'bound' ? await startBoundServer(Number(arg)) : await startRelay(Number(arg));
process.stdout.write(`ready ${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
