import { checkCommand } from './commands/check';
import { doctorCommand } from './commands/doctor';
import { exportCommand } from './commands/export';
import { retentionCommand } from './commands/retention';
import { stitchCommand } from './commands/stitch';
import { estimateCommand } from './commands/estimate';
import { ledgerCommand } from './commands/ledger';
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
import { appVersion } from './paths';

/** Every subcommand. Each is a thin adapter over core with a --json mode. */
export const commands: Command[] = [serveCommand, reviewCommand, labelCommand, doctorCommand, estimateCommand, plansCommand, ledgerCommand, submitCommand, jobsCommand, cancelCommand, dlqCommand, queueCommand, resolveCommand, importCommand, finalizeCommand, checkCommand, stitchCommand, exportCommand, retentionCommand, reportCommand, benchmarkCommand, callCommand, studioCommand];

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
    'Run `circletake <command> --help` for a command\'s flags.',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [first, ...rest] = argv;
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
    io.out(`${cmd.summary}\n\nUsage: ${cmd.usage}\n\n${EXIT_CODES_HELP}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    return reportError(e, io, rest.includes('--json'));
  }
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

export { UsageError };
