import { useEffect, type RefObject } from 'react';
import type { TakeCard } from '../../../shared/contract/board';
import { mediaUrl } from '../../../shared/contract/media';
import { useAppStore } from '../../store';
import { FPS } from '../review/timecode';

/** The take's media URL, or null when it has no file (never stored, or swept by retention). */
export function useSrc(card: TakeCard): string | null {
  const door = useAppStore((s) => s.mediaDoor);
  const isSwept = useAppStore((s) => (card.artifactId ? s.swept[card.artifactId] !== undefined : false));
  const checkArtifact = useAppStore((s) => s.checkArtifact);
  useEffect(() => {
    if (card.artifactId) checkArtifact(card.artifactId).catch((e: unknown) => console.warn('circletake: could not look up', card.artifactId, e));
  }, [card.artifactId, checkArtifact]);
  return card.artifactId && !isSwept ? mediaUrl(door, card.artifactClass, card.artifactId) : null;
}

export function step(videos: readonly (HTMLVideoElement | null)[], frames: number) {
  for (const v of videos) {
    if (!v) continue;
    v.pause();
    v.currentTime = Math.max(0, Math.min(v.duration || Infinity, v.currentTime + frames / FPS));
  }
}

/** , and . step a frame back and forward, Space plays and pauses, while a viewer is open. */
export function useFrameKeys(videos: RefObject<HTMLVideoElement | null>[]) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target instanceof Element ? e.target : null;
      if (t?.closest('input:not([type=checkbox]):not([type=range]), textarea, select')) return;
      if (e.key === ',' || e.key === '.') {
        e.preventDefault();
        step(
          videos.map((r) => r.current),
          e.key === ',' ? -1 : 1,
        );
      } else if (e.key === ' ' && !t?.closest('button')) {
        e.preventDefault();
        const first = videos[0]?.current;
        const isPaused = first?.paused ?? true;
        for (const r of videos) void (isPaused ? r.current?.play() : r.current?.pause());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [videos]);
}

export function FrameControls({ videos, frame }: { videos: RefObject<HTMLVideoElement | null>[]; frame: number }) {
  return (
    <div className="row frame-controls">
      <button type="button" onClick={() => step(videos.map((r) => r.current), -1)}>
        ‹ Previous frame
      </button>
      <button type="button" onClick={() => videos.forEach((r) => void (r.current?.paused ? r.current.play() : r.current?.pause()))}>
        Play / pause
      </button>
      <button type="button" onClick={() => step(videos.map((r) => r.current), 1)}>
        Next frame ›
      </button>
      <span className="muted" aria-live="polite">
        frame {frame} ({FPS} fps)
      </span>
    </div>
  );
}
