// `npm run dev` without Electron: the host serves the contract, Vite serves the renderer with hot reload
// and proxies /rpc, /session and /events to the host.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createServer } from 'vite';
import react from '@vitejs/plugin-react';
import { root } from './electronEnv.mjs';

const DEV_PORT = Number(process.env.CIRCLETAKE_DEV_PORT ?? 5173);
const devOrigin = `http://127.0.0.1:${DEV_PORT}`;
const host = spawn(process.execPath, [join(root, 'bin', 'circletake.js'), 'serve', '--json', '--allow-origin', devOrigin, ...process.argv.slice(2)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const first = await new Promise((resolve, reject) => {
  createInterface({ input: host.stdout }).once('line', resolve);
  host.once('exit', (code) => reject(new Error(`the host exited (${code})`)));
});
const info = JSON.parse(first);
const target = info.url.replace(/\/$/, '');
const vite = await createServer({
  configFile: false,
  root: join(root, 'renderer'),
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: DEV_PORT,
    strictPort: true,
    proxy: {
      '/rpc': { target, changeOrigin: true },
      '/session': { target, changeOrigin: true },
      '/media': { target, changeOrigin: true },
      '/events': { target: target.replace('http', 'ws'), ws: true, changeOrigin: true },
    },
  },
});
await vite.listen();
console.log(`Circle Take dev (hot reload): ${devOrigin}/#token=${info.token}`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    host.kill('SIGTERM');
    await vite.close();
    process.exit(0);
  });
}
