import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from '../cliSupport';
import { dataDirOption, openCore, parseFlags, parseIntFlag, reportError } from '../cliSupport';
import { isRendererBuilt, rendererDir, repoRoot } from '../paths';
import { startHost } from '../server';
import { IdempotencyKeys } from '../studio/idempotencyKeys';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the browser host and print its URL (with the token)',
  usage: 'circletake serve [--port N] [--data-dir D] [--json]',
  notes: [
    'Not a contract call: serve starts a door. The browser host it runs answers the contract itself',
    '(POST /rpc/<name>, the /events socket) through the same dispatch as the window and the CLI, for',
    'as long as it runs; it has no answer to return, so it has no entry of its own. Stop it with Ctrl-C',
    '(exit 0). A port in use exits 1; a bad flag exits 2.',
  ].join('\n'),
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      port: { type: 'string' },
      json: { type: 'boolean' },
      'allow-origin': { type: 'string', multiple: true },
    });
    const json = values.json === true;
    try {
      const port = parseIntFlag(values.port, 'port', 1, 65535);
      if (!isRendererBuilt()) {
        io.err('circletake: building the renderer first (one time)…');
        const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
          cwd: repoRoot,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        if (r.status !== 0) io.err('circletake: the renderer build failed; the API still works but there is no UI. Run `npm run build` to see why.');
      }
      const core = await openCore(values, { quiet: false });
      await core.queue.start();
      core.retention.startDaily();
      // The page repeats a call whose answer was lost with its Idempotency-Key: answered once (docs/reliability.md S19).
      const idempotency = new IdempotencyKeys(core.engine, core.ports.logger);
      const host = await startHost({ core, rendererDir, ...(port ? { port } : {}), extraOrigins: values['allow-origin'] ?? [], idempotency }).catch(async (e: unknown) => {
        await core.dispose();
        throw e;
      });
      if (json) io.out(JSON.stringify({ url: host.url, openUrl: host.openUrl, token: host.ownerToken, port: host.port, dataDir: core.config.dataDir }));
      else {
        io.out('Circle Take is running (browser host, loopback only).');
        io.out(`Open: ${host.openUrl}`);
        io.out(`Data: ${core.config.dataDir}`);
        io.out('Stop with Ctrl+C.');
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await host.close();
      await core.dispose();
      return 0;
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};
