import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, makeStandardClips, type StandardClip } from '../support/clips';
import { testCore } from '../support/core';
import { tempDir } from '../support/tmp';
import { describeWith, ffmpegNeed } from '../support/needs';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/circletake.js', ...args], { encoding: 'utf8', timeout: 60_000 });

describeWith(ffmpegNeed, 'circletake check (fixed contract)', () => {
  const t = tempDir('ct-cli-check-');
  let clips: Record<StandardClip, string>;
  beforeAll(() => {
    clips = makeStandardClips(t.dir);
  }, 60_000);
  afterAll(() => t.cleanup());

  it('prints exactly {ok, checks[name, ok, value, detail]} and exits 0 when all pass', () => {
    const r = cli('check', clips.goodWatermarked, '--expect-duration', '2', '--expect-resolution', '640x360', '--class', 'preview', '--expect-audio', '--json');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(['ok', 'checks']);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['decode', 'duration', 'resolution', 'black', 'freeze', 'audio', 'watermark']);
    for (const c of report.checks) expect(Object.keys(c)).toEqual(['name', 'ok', 'value', 'detail']);
    expect(report.checks.find((c) => c.name === 'resolution')!.value).toBe('640x360');
  });

  it('exits 1 with a verdict for each kind of bad clip', () => {
    const cases: [string, string[], RegExp][] = [
      [clips.black, [], /"name":"black","ok":false,"value":100/],
      [clips.truncated, ['--expect-duration', '5'], /truncated or damaged/],
      [clips.zeroByte, [], /the file is empty \(0 bytes\)/],
      [clips.nonVideo, [], /Not a readable video file/],
      [clips.wrongCodec, [], /video codec mpeg4 is not accepted/],
      [clips.noAudio, ['--expect-audio'], /no audio track, but audio was asked/],
      [clips.good, ['--class', 'preview'], /no watermark, but a preview must carry one/],
    ];
    for (const [file, flags, why] of cases) {
      const r = cli('check', file, ...flags, '--json');
      expect(r.status, `${file}: ${r.stderr}`).toBe(1);
      expect(JSON.parse(r.stdout).ok).toBe(false);
      expect(r.stdout).toMatch(why);
    }
  });

  it('exits 2 on a missing file or a usage error, naming it', () => {
    const missing = cli('check', join(t.dir, 'nope.mp4'), '--json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no file at');
    for (const args of [['a.mp4', 'b.mp4'], [clips.good, '--class', 'draft'], [clips.good, '--expect-resolution', 'big'], [clips.good, '--expect-duration', '-1']]) {
      const r = cli('check', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^circletake: /);
    }
  });

  it('goes through media.checkFile without opening a data dir', () => {
    const dataDir = join(t.dir, 'never-made');
    const r = spawnSync(process.execPath, ['bin/circletake.js', 'check', clips.good, '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CIRCLETAKE_DATA_DIR: dataDir } });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
    // The same entry through core (`call`): the same report; a relative path is VALIDATION naming file.
    const viaCall = JSON.parse(cli('call', 'media.checkFile', '--input', JSON.stringify({ file: clips.good }), '--data-dir', join(t.dir, 'dd')).stdout) as { ok: boolean; value: unknown };
    expect(viaCall).toEqual({ ok: true, value: JSON.parse(r.stdout) });
    const rel = cli('call', 'media.checkFile', '--input', '{"file":"good.mp4"}', '--data-dir', join(t.dir, 'dd'));
    expect(rel.status).toBe(2);
    expect(JSON.parse(rel.stdout)).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'file' } } });
  });

  it('prints a readable report without --json', () => {
    const r = cli('check', clips.frozen);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}.*frozen\.mp4\n/);
    expect(r.stdout).toMatch(/FAIL {2}freeze {6}frozen picture: \d+(\.\d)? % of the clip/);
  });
});

describe('circletake retention, stitch, export', () => {
  const t = tempDir('ct-cli-media-');
  afterAll(() => t.cleanup());

  it('retention --dry-run shows what would go, changing nothing', () => {
    const r = cli('retention', '--dry-run', '--json', '--data-dir', t.dir);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dryRun: true, previewDays: 7, releaseDays: 90, goes: [], kept: [], bytesFreed: 0 });
    const text = cli('retention', '--dry-run', '--data-dir', t.dir);
    expect(text.stdout).toContain('nothing would go');
  });

  it('stitch and export name their required flags and unknown projects (exit 2)', () => {
    expect(cli('stitch', '--data-dir', t.dir).status).toBe(2);
    expect(cli('export', '--project', 'x', '--data-dir', t.dir).stderr).toContain('--to DIR is required');
    expect(cli('stitch', '--project', 'x', '--out', 'a.mp4', '--crossfade', '9', '--data-dir', t.dir).status).toBe(2);
    const unknown = cli('stitch', '--project', 'No such', '--out', join(t.dir, 'a.mp4'), '--data-dir', t.dir);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toContain('No project named or with id "No such"');
  });

  it('stitch by project name reaches the finals through core, and says when there are none', async () => {
    const { core } = testCore({ dataDir: t.dir });
    await core.projects.create('Spot');
    await core.dispose();
    const r = cli('stitch', '--project', 'Spot', '--out', join(t.dir, 'a.mp4'), '--data-dir', t.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Project prj_\w+ has no finals yet: shortlist takes and finalize them first/);
    // export takes --with-prompts (an unknown flag would be a usage error), and reaches the same refusal.
    const e = cli('export', '--project', 'Spot', '--to', join(t.dir, 'out'), '--with-prompts', '--data-dir', t.dir);
    expect(e.stderr).toMatch(/has no finals yet/);
    expect(cli('export', '--project', 'Spot', '--to', join(t.dir, 'out'), '--with-prompt', '--data-dir', t.dir).stderr).not.toMatch(/has no finals yet/);
  });
});

describeWith(ffmpegNeed, 'makeClip sanity', () => {
  it('makes the sizes asked', () => {
    const t = tempDir();
    try {
      const f = makeClip(t.dir, 'x.mp4', { width: 320, height: 240, durationSec: 1 });
      expect(cli('check', f, '--expect-resolution', '320x240', '--expect-duration', '1').status).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});
