import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startChild, type Child } from './processes.js';

/** The nginx binary, or undefined when nginx is not installed. */
export function findNginx(): string | undefined {
  const r = spawnSync('bash', ['-c', 'command -v nginx || ls /usr/sbin/nginx 2>/dev/null'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0] || undefined;
}

const canConnect = (port: number) => new Promise<boolean>((r) => {
  const s = connect(port, '127.0.0.1', () => {
    s.destroy();
    r(true);
  });
  s.on('error', () => r(false));
});

/** The C floor: nginx, one worker, proxying to the upstream with buffering off. */
export async function startNginx(binary: string, upstreamPort: number, fileLimit: number): Promise<{ port: number; child: Child; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-nginx-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1;
worker_rlimit_nofile ${fileLimit};
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log error;
events { worker_connections ${Math.max(1024, fileLimit - 64)}; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  keepalive_requests 100000;
  upstream scripted { server 127.0.0.1:${upstreamPort}; keepalive 1024; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    tcp_nodelay on;
    location / {
      proxy_pass http://scripted;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 120s;
    }
  }
}
`);
  const child = startChild(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf')]);
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port, child,
    async close() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
