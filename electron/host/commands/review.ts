import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo, Command } from '../cliSupport';
import { dataDirOption, openCore, parseFlags, parseIntFlag, reportError, UsageError } from '../cliSupport';
import { isRendererBuilt, rendererDir, repoRoot } from '../paths';
import { startHost, type RunningHost } from '../server';

type ReviewRole = 'reviewer' | 'producer';

/**
 * `circletake review`: the review server. Loopback unless --lan; one token for the role asked
 * (reviewer by default), printed as a link with the token in the fragment (never sent to a server
 * log), plus a QR code of the LAN link. The tokens live as long as the process: Ctrl+C revokes them.
 */
export const reviewCommand: Command = {
  name: 'review',
  summary: 'start the review server and print a reviewer (or producer) link; loopback unless --lan',
  usage: 'circletake review [--role reviewer|producer] [--name NAME] [--lan] [--port N] [--json] [--data-dir D]',
  notes: [
    'Not a contract call: review starts a door, the review server, and issues it a token for the role',
    'asked that lives only as long as this process (Ctrl-C revokes it); the server then answers the',
    'contract for that token. A link that outlives the process, stored and honoured by every server on',
    'the data dir, is the call review.share (the app\'s Share for review) — make it where a server runs.',
    'Stopped with Ctrl-C: exit 0. A port in use exits 1; a bad flag or the owner role asked exits 2.',
  ].join('\n'),
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      role: { type: 'string' },
      name: { type: 'string' },
      lan: { type: 'boolean' },
      port: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    try {
      const role = parseRole(values.role);
      const name = (values.name ?? role).trim();
      if (name.length < 1 || name.length > 60) throw new UsageError('--name must be 1 to 60 characters (it is the name tags and comments are recorded under)');
      const port = parseIntFlag(values.port, 'port', 1, 65535);
      if (!isRendererBuilt()) buildRenderer(io);
      const core = await openCore(values, { quiet: false });
      await core.queue.start();
      const host = await startHost({ core, rendererDir, lan: values.lan === true, ...(port ? { port } : {}) }).catch(async (e: unknown) => {
        await core.dispose();
        throw e;
      });
      const token = host.tokens.issue(role, name);
      await printLinks(io, host, { role, name, token, isLan: values.lan === true, json, dataDir: core.config.dataDir });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      host.tokens.revoke(token);
      await host.close();
      await core.dispose();
      return 0;
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};

function parseRole(v: string | undefined): ReviewRole {
  if (v === undefined || v === 'reviewer' || v === 'producer') return v ?? 'reviewer';
  throw new UsageError(`--role must be reviewer or producer (got "${v}"); the owner uses \`circletake serve\` or the app`);
}

function buildRenderer(io: CliIo): void {
  io.err('circletake: building the renderer first (one time)…');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) io.err('circletake: the renderer build failed; the API still works but there is no UI. Run `npm run build` to see why.');
}

/** The link a reviewer opens: the base URL with the token in the fragment. */
export function reviewLink(baseUrl: string, token: string): string {
  return `${baseUrl}#token=${token}`;
}

async function printLinks(
  io: CliIo,
  host: RunningHost,
  o: { role: ReviewRole; name: string; token: string; isLan: boolean; json: boolean; dataDir: string },
): Promise<void> {
  const local = reviewLink(host.url, o.token);
  const lan = host.lanUrls.map((u) => reviewLink(u, o.token));
  if (o.json) {
    io.out(JSON.stringify({ url: host.url, port: host.port, role: o.role, name: o.name, token: o.token, link: local, lanLinks: lan, isLan: o.isLan, ownerLink: host.openUrl, dataDir: o.dataDir }));
    return;
  }
  io.out(`Circle Take review server is running (${o.isLan ? 'LAN on: machines on your local network can connect' : 'loopback only: this machine'}).`);
  io.out(`${o.role === 'reviewer' ? 'Reviewer' : 'Producer'} link for ${o.name} (this machine): ${local}`);
  if (o.isLan && lan.length === 0) io.out('No LAN address found on this machine; only the link above works.');
  for (const l of lan) io.out(`${o.role === 'reviewer' ? 'Reviewer' : 'Producer'} link (LAN): ${l}`);
  if (lan[0]) io.out(await (await import('qrcode')).toString(lan[0], { type: 'terminal', small: true }));
  io.out(
    o.role === 'reviewer'
      ? 'A reviewer can see projects, shots and takes, stream previews, and tag and comment. Nothing else: no generating, no credits, no release media, no export.'
      : 'A producer can also read credits and the queue, shortlist, finalize and export.',
  );
  io.out(`Owner (this machine only): ${host.openUrl}`);
  io.out('Anyone with a link has that access until you stop the server (Ctrl+C revokes every token).');
}
