import { describe, expect, it } from 'vitest';
import { commands, main } from './cli';
import type { CliIo } from './cliSupport';

// Issue 14 item 1: `circletake <cmd> --help` documents the exit codes, for every command; the commands
// that start a door instead of making a call say why they are not contract entries.

async function help(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io: CliIo = { out: (t) => lines.push(t), err: (t) => lines.push(t) };
  const code = await main(argv, io);
  return { code, out: lines.join('\n') };
}

describe('circletake --help', () => {
  it('documents the exit codes 0, 1, 2 and 3 for every command', async () => {
    expect(commands.length).toBeGreaterThan(20);
    for (const c of commands) {
      const r = await help([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.out, c.name).toContain(`Usage: ${c.usage}`);
      expect(r.out, c.name).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 {2}INTERNAL[^\n]*\n {2}2 {2}refused[\s\S]*POLICY_REFUSED[\s\S]*\n {2}3 {2}NOT_FOUND/);
    }
    expect((await help(['--help'])).out).toContain('Exit codes:');
  });

  it('says why serve and review are not contract entries, and what check, doctor, stitch and export exit with', async () => {
    for (const name of ['serve', 'review']) expect((await help([name, '--help'])).out, name).toMatch(/Not a contract call: \w+ starts a door/);
    expect((await help(['review', '--help'])).out).toContain('review.share');
    expect((await help(['check', '--help'])).out).toContain('Exit 1 also when any check fails');
    expect((await help(['doctor', '--help'])).out).toContain('Through system.doctor');
    expect((await help(['stitch', '--help'])).out).toContain('exit 1 (CANCELLED)');
    expect((await help(['export', '--help'])).out).toContain('exit 1 (CANCELLED)');
  });
});
