/** Frame rate the local provider renders at; stepping and timecodes use it when the file cannot tell. */
export const FPS = 24;

/** The frame a time falls on (times are snapped to frames when a comment is made). */
export const frameOf = (sec: number): number => Math.round(sec * FPS);

/** A time snapped to its frame's start, in seconds. */
export const snapToFrame = (sec: number): number => frameOf(sec) / FPS;

/** m:ss:ff — minutes, seconds and the frame within the second (24 fps), like an editor's timecode. */
export function fmtTimecode(sec: number): string {
  const f = frameOf(sec);
  const whole = Math.floor(f / FPS);
  const ff = f % FPS;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}:${String(ff).padStart(2, '0')}`;
}
