import { checkCommand } from './commands/check';
import { doctorCommand } from './commands/doctor';
import { exportCommand } from './commands/export';
import { retentionCommand } from './commands/retention';
import { stitchCommand } from './commands/stitch';
import { estimateCommand } from './commands/estimate';
import { ledgerCommand } from './commands/ledger';
import { creditsCommand } from './commands/credits';
import { plansCommand } from './commands/plans';
import { serveCommand } from './commands/serve';
import { reviewCommand } from './commands/review';
import { labelCommand } from './commands/label';
import { finalizeCommand } from './commands/finalize';
import { benchmarkCommand } from './commands/benchmark';
import { reportCommand } from './commands/report';
import { callCommand } from './commands/call';
import { studioCommand } from './commands/studio';
import { EXIT_CODES_HELP } from './cliExit';
import { cancelCommand, dlqCommand, importCommand, jobsCommand, queueCommand, resolveCommand, submitCommand } from './commands/queueCommands';
import type { CliIo, Command } from './cliSupport';
import { reportError, UsageError } from './cliSupport';
import { parseStoreUrl } from '../core/media/store/backend/storeUrl';
import { appVersion } from './paths';

/** Every subcommand. Each is a thin adapter over core with a --json mode. */
export const commands: Command[] = [serveCommand, reviewCommand, labelCommand, doctorCommand, estimateCommand, plansCommand, ledgerCommand, creditsCommand, submitCommand, jobsCommand, cancelCommand, dlqCommand, queueCommand, resolveCommand, importCommand, finalizeCommand, checkCommand, stitchCommand, exportCommand, retentionCommand, reportCommand, benchmarkCommand, callCommand, studioCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'circletake — Circle Take from the command line',
    '',
    'Usage: circletake <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --help, --version. Data dir: --data-dir D, else CIRCLETAKE_DATA_DIR, else the OS default.',
    'Database (any command that opens the core): --database-url postgres://user:password@host:5432/db, else CIRCLETAKE_DATABASE_URL, else the data dir\'s SQLite file.',
    'Media store (any command): --store-url s3://bucket/prefix?endpoint=…&region=…&pathStyle=1, else CIRCLETAKE_STORE_URL, else folders in the data dir.',
    'Run `circletake <command> --help` for a command\'s flags.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let args: string[];
  try {
    args = takeStoreUrl(argv);
  } catch (e) {
    return reportError(e, io, argv.includes('--json'));
  }
  const [first, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(help());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.out(appVersion());
    return 0;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    io.err(`circletake: unknown command "${first}". Commands: ${commands.map((c) => c.name).join(', ')}.`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.summary}\n\nUsage: ${cmd.usage}\n\n${cmd.notes ? `${cmd.notes}\n\n` : ''}${EXIT_CODES_HELP}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(e, io, rest.includes('--json'));
  }
}

/**
 * `--store-url` is global: taken out of the arguments and handed to core (and to any process a command
 * starts) as CIRCLETAKE_STORE_URL, so every command opens the same store. Credentials never go here.
 */
function takeStoreUrl(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--store-url' || a.startsWith('--store-url=')) {
      const v = a === '--store-url' ? argv[++i] : a.slice('--store-url='.length);
      if (v === undefined || v === '') throw new UsageError('--store-url needs a value: s3://bucket/prefix?endpoint=…, or local.');
      parseStoreUrl(v, process.env, '--store-url'); // a bad URL is named as the flag, before anything opens
      process.env.CIRCLETAKE_STORE_URL = v;
      continue;
    }
    out.push(a);
  }
  return out;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

export { UsageError };
