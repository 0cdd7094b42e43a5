import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createNodePorts } from '../../core/nodePorts';
import type { CliIo, Command } from '../cliSupport';
import { dataDirOption, openCore, parseFlags, parseIntFlag, reportError, UsageError } from '../cliSupport';
import { isRendererBuilt, rendererDir, repoRoot } from '../paths';
import { startHost, type RunningHost } from '../server';
import { IdempotencyKeys } from '../studio/idempotencyKeys';
import { AppError } from '../../../shared/errors';
import { studioRelay } from '../studioRelay';
import { StudioTransport } from '../studioTransport';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the browser host and print its URL (with the token); --studio relays it to a studio',
  usage: [
    'circletake serve [--port N] [--data-dir D] [--json]',
    '       circletake serve --studio URL [--token T] [--port N] [--json]   (the page works on that studio as the member',
    '       whose token it is, from --token or CIRCLETAKE_STUDIO_TOKEN: calls, events and media go to the studio; nothing',
    '       is opened on this machine)',
  ].join('\n'),
  notes: [
    'Not a contract call: serve starts a door. The browser host it runs answers the contract itself',
    '(POST /rpc/<name>, the /events socket) through the same dispatch as the window and the CLI, for',
    'as long as it runs; it has no answer to return, so it has no entry of its own. With --studio it',
    'answers nothing itself: the studio does, and its refusals (a revoked token, a role) reach the page as',
    'they are; while the studio cannot be reached the page says so (STUDIO_UNREACHABLE) and keeps what is',
    'typed. Stop it with Ctrl-C (exit 0). A port in use exits 1; a bad flag or a refused token exits 2.',
  ].join('\n'),
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      port: { type: 'string' },
      json: { type: 'boolean' },
      'allow-origin': { type: 'string', multiple: true },
      studio: { type: 'string' },
      token: { type: 'string' },
    });
    const json = values.json === true;
    try {
      const port = parseIntFlag(values.port, 'port', 1, 65535);
      if (values.studio === undefined && values.token !== undefined) throw new UsageError('--token goes with --studio URL (a studio\'s address); without it the page works on this machine as its owner');
      if (values.studio !== undefined && (values['data-dir'] !== undefined || values['database-url'] !== undefined)) {
        throw new UsageError('--studio works on the studio\'s data: leave out --data-dir and --database-url (nothing is opened on this machine)');
      }
      buildRenderer(io);
      const extraOrigins = values['allow-origin'] ?? [];
      if (values.studio !== undefined) return await relay(values.studio, values.token ?? process.env.CIRCLETAKE_STUDIO_TOKEN ?? '', port, extraOrigins, io, json);
      const core = await openCore(values, { quiet: false });
      await core.queue.start();
      core.retention.startDaily();
      // The page repeats a call whose answer was lost with its Idempotency-Key: answered once (docs/reliability.md S19).
      const idempotency = new IdempotencyKeys(core.engine, core.ports.logger);
      const host = await startHost({ core, rendererDir, ...(port ? { port } : {}), extraOrigins, idempotency }).catch(async (e: unknown) => {
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
      await untilStopped(host);
      await core.dispose();
      return 0;
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};

/** `serve --studio`: the renderer from here, everything else relayed to the studio (studioRelay.ts). */
async function relay(url: string, token: string, port: number | undefined, extraOrigins: string[], io: CliIo, json: boolean): Promise<number> {
  const transport = StudioTransport.start({ url, token });
  try {
    // A token the studio refuses is said now (exit 2); a studio that cannot be reached now may be later: the page says so meanwhile.
    const who = await transport.session();
    if (!who.ok && who.error.code !== 'STUDIO_UNREACHABLE') throw new AppError(who.error.code, who.error.message, who.error.details);
    const host = await startHost({ core: studioRelay(transport, createNodePorts({ quiet: false }).logger), rendererDir, ...(port ? { port } : {}), extraOrigins });
    if (json) io.out(JSON.stringify({ url: host.url, openUrl: host.openUrl, token: host.ownerToken, port: host.port, studio: transport.origin, role: who.ok ? who.value.role : null }));
    else {
      io.out(`Circle Take is running (browser host, loopback only) on the studio at ${transport.origin}${who.ok ? ` as ${who.value.role}` : ''}.`);
      if (!who.ok) io.err(`circletake: ${who.error.message} The page says so until it can.`);
      io.out(`Open: ${host.openUrl}`);
      io.out('Stop with Ctrl+C.');
    }
    await untilStopped(host);
    return 0;
  } finally {
    await transport.dispose();
  }
}

function buildRenderer(io: CliIo): void {
  if (isRendererBuilt()) return;
  io.err('circletake: building the renderer first (one time)…');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) io.err('circletake: the renderer build failed; the API still works but there is no UI. Run `npm run build` to see why.');
}

/** Serves until Ctrl-C or SIGTERM, then closes the host. */
async function untilStopped(host: RunningHost): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await host.close();
}
