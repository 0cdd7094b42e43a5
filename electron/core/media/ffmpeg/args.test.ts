import { describe, expect, it } from 'vitest';
import { bareDecodeArgs, checkArgs, escapeCommandLine, fileArg, num, probeArgs, thumbnailFrameArgs } from './args';
import { stitchArgs, stitchedDuration, stitchFilterGraph } from './stitchArgs';
import { DEFAULT_THRESHOLDS } from '../check/expectations';

const startsRight = (a: string[]) => {
  expect(a.slice(0, 2)).toEqual(['-hide_banner', '-nostdin']);
  expect(a.includes('-y') || a.includes('-n')).toBe(true);
};

describe('ffmpeg argument builders', () => {
  it('forces the file protocol and an absolute path, so names cannot act as protocols or options', () => {
    expect(fileArg('/a/b.mp4')).toBe('file:/a/b.mp4');
    expect(fileArg('concat:a|b')).toMatch(/^file:\/.*concat:a\|b$/);
    expect(fileArg('-i')).toMatch(/^file:\/.*-i$/);
    expect(probeArgs('/x.mp4').at(-1)).toBe('file:/x.mp4');
  });

  it('always starts with -hide_banner -nostdin and says -y or -n', () => {
    startsRight(bareDecodeArgs('/c.mp4'));
    const detectors = DEFAULT_THRESHOLDS;
    startsRight(checkArgs({ file: '/c.mp4', detectors, hasAudio: true, skipLoopFilter: false, threads: 0 }));
    startsRight(
      thumbnailFrameArgs({ file: '/c.mp4', durationSec: 5, frames: 10, frameWidth: 160, framePattern: '/t/f%03d.png', posterAtSec: 1, posterWidth: 640, posterFile: '/t/p.png' }),
    );
    startsRight(stitchArgs({ clips: [{ file: '/a.mp4', durationSec: 2, hasAudio: true }], target: { width: 640, height: 360, fps: 24, sampleRate: 48000 }, crossfadeSec: 0, outFile: '/o.mp4' }));
    expect(bareDecodeArgs('/c.mp4')).toEqual(['-hide_banner', '-nostdin', '-y', '-i', 'file:/c.mp4', '-f', 'null', '-']);
  });

  it('check: one process, every frame decoded (-xerror, no seeking), audio only when present, watermark crop as a second output', () => {
    const base = { file: '/c.mp4', detectors: DEFAULT_THRESHOLDS, skipLoopFilter: true, threads: 1 };
    const a = checkArgs({ ...base, hasAudio: true, watermarkCrop: { box: { x: 10, y: 20, width: 176, height: 64 }, outWidth: 88, outHeight: 32, file: '/t/w.gray' } });
    expect(a).toContain('-xerror');
    expect(a).not.toContain('-ss');
    expect(a.join(' ')).toContain('-progress pipe:1 -nostats');
    expect(a.join(' ')).toContain('-loglevel level+info');
    const graph = a[a.indexOf('-filter_complex') + 1]!;
    expect(graph).toContain('[0:v:0]freezedetect=n=-60dB:d=0.5,split=3[ctv][ctb][ctw]');
    expect(graph).toContain('[ctb]framestep=2,blackdetect=d=0.1:pix_th=0.1:pic_th=0.98,nullsink');
    expect(graph).toContain('crop=w=176:h=64:x=10:y=20,scale=88:32');
    expect(a.join(' ')).toContain('-map 0:a:0 -af volumedetect');
    expect(a.slice(-1)[0]).toBe('file:/t/w.gray');
    expect(a.indexOf('-skip_loop_filter')).toBeLessThan(a.indexOf('-i'));
    const b = checkArgs({ ...base, hasAudio: false });
    expect(b.join(' ')).not.toContain('0:a');
    expect(b.join(' ')).not.toContain('crop=');
    expect(b[b.indexOf('-filter_complex') + 1]).toContain('split=2[ctv][ctb];');
  });

  it('formats numbers without exponents and refuses non-finite ones', () => {
    expect(num(0.25)).toBe('0.25');
    expect(num(1e-7)).toBe('0');
    expect(num(2)).toBe('2');
    expect(() => num(Number.NaN)).toThrow();
  });

  it('escapes a command line for the log', () => {
    expect(escapeCommandLine(['/bin/ffmpeg', '-i', 'file:/a b.mp4', "it's"])).toBe("/bin/ffmpeg -i 'file:/a b.mp4' 'it'\\''s'");
  });
});

describe('stitch graph', () => {
  const t = { width: 640, height: 360, fps: 24, sampleRate: 48000 };
  const clips = [
    { file: '/a.mp4', durationSec: 2, hasAudio: true },
    { file: '/b.mp4', durationSec: 1.5, hasAudio: true },
    { file: '/c.mp4', durationSec: 2, hasAudio: false },
  ];

  it('normalizes each clip, trims the crossfade from later pictures and chains acrossfade', () => {
    const g = stitchFilterGraph(clips, t, 0.25);
    expect(g.match(/fps=24,scale=640:360:force_original_aspect_ratio=decrease,pad=640:360/g)).toHaveLength(3);
    expect(g).toContain('[0:v:0]fps=24');
    expect(g).not.toMatch(/\[0:v:0\][^;]*trim=start/);
    expect(g).toMatch(/\[1:v:0\][^;]*trim=start=0\.25/);
    expect(g).toContain('anullsrc=channel_layout=stereo:sample_rate=48000');
    expect(g).not.toContain('[2:a:0]');
    expect(g).toContain('[a0][a1]acrossfade=d=0.25:c1=tri:c2=tri[x1]');
    expect(g).toContain('[x1][a2]acrossfade=d=0.25:c1=tri:c2=tri[aout]');
    expect(g).toContain('[v0][v1][v2]concat=n=3:v=1:a=0[vout]');
    expect(stitchedDuration(clips, 0.25)).toBe(5);
  });

  it('uses a plain concat without a crossfade, and a pass-through for one clip', () => {
    expect(stitchFilterGraph(clips, t, 0)).toContain('[a0][a1][a2]concat=n=3:v=0:a=1[aout]');
    expect(stitchFilterGraph(clips, t, 0)).not.toContain('trim=start');
    expect(stitchFilterGraph(clips.slice(0, 1), t, 0.25)).toContain('[a0]anull[aout]');
  });
});
