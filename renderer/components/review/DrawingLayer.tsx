import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Point, Shape, ShapeKind } from '../../../shared/contract/drawing';

export const DRAW_COLOUR = '#ff453a';

/** The element's size in pixels, kept current as it resizes. */
function useSize(ref: React.RefObject<Element | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** A shape in pixels: arrows get a head drawn as a polygon, so it looks the same at any size. */
function ShapeView({ shape, w, h }: { shape: Shape; w: number; h: number }) {
  const px = (p: Point) => [p.x * w, p.y * h] as const;
  switch (shape.kind) {
    case 'box': {
      const [x1, y1] = px(shape.from);
      const [x2, y2] = px(shape.to);
      return <rect data-shape="box" x={Math.min(x1, x2)} y={Math.min(y1, y2)} width={Math.abs(x2 - x1)} height={Math.abs(y2 - y1)} fill="none" stroke={shape.color} strokeWidth={3} />;
    }
    case 'arrow': {
      const [x1, y1] = px(shape.from);
      const [x2, y2] = px(shape.to);
      const a = Math.atan2(y2 - y1, x2 - x1);
      const head = 14;
      const pts = [
        [x2, y2],
        [x2 - head * Math.cos(a - 0.45), y2 - head * Math.sin(a - 0.45)],
        [x2 - head * Math.cos(a + 0.45), y2 - head * Math.sin(a + 0.45)],
      ];
      return (
        <g data-shape="arrow">
          <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={shape.color} strokeWidth={3} strokeLinecap="round" />
          <polygon points={pts.map((p) => p.join(',')).join(' ')} fill={shape.color} />
        </g>
      );
    }
    case 'freehand':
      return (
        <polyline
          data-shape="freehand"
          points={shape.points.map((p) => px(p).join(',')).join(' ')}
          fill="none"
          stroke={shape.color}
          strokeWidth={3}
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      );
  }
}

interface Props {
  /** Shapes to show (a comment's drawing, or the one being drawn). */
  shapes: readonly Shape[];
  /** The tool in hand, or null: then the layer only shows and lets clicks through. */
  tool: ShapeKind | null;
  onShape(s: Shape): void;
  /** What the drawing is about, for screen readers. */
  label: string;
}

/**
 * Vector drawing over the frame: arrows, boxes and freehand strokes, stored as fractions of the frame
 * (0..1), so they sit on the same spot at any player size and travel as data, not pixels.
 */
export function DrawingLayer({ shapes, tool, onShape, label }: Props) {
  const ref = useRef<SVGSVGElement>(null);
  const { w, h } = useSize(ref);
  const [draft, setDraft] = useState<Shape | null>(null);
  const at = (e: PointerEvent): Point => {
    const r = ref.current!.getBoundingClientRect();
    return { x: round(clamp((e.clientX - r.left) / r.width)), y: round(clamp((e.clientY - r.top) / r.height)) };
  };
  const onDown = (e: PointerEvent) => {
    if (!tool) return;
    e.preventDefault();
    ref.current?.setPointerCapture?.(e.pointerId);
    const p = at(e);
    setDraft(tool === 'freehand' ? { kind: 'freehand', points: [p], color: DRAW_COLOUR } : { kind: tool, from: p, to: p, color: DRAW_COLOUR });
  };
  const onMove = (e: PointerEvent) => {
    if (!draft) return;
    const p = at(e);
    if (draft.kind === 'freehand') {
      const last = draft.points[draft.points.length - 1]!;
      if (draft.points.length < 2000 && Math.hypot(p.x - last.x, p.y - last.y) > 0.004) setDraft({ ...draft, points: [...draft.points, p] });
    } else setDraft({ ...draft, to: p });
  };
  const onUp = () => {
    if (!draft) return;
    setDraft(null);
    const isBig = draft.kind === 'freehand' ? draft.points.length >= 2 : Math.hypot(draft.to.x - draft.from.x, draft.to.y - draft.from.y) > 0.01;
    if (isBig) onShape(draft);
  };
  return (
    <svg
      ref={ref}
      className={`drawing-layer${tool ? ' drawing' : ''}`}
      role="img"
      aria-label={label}
      data-shapes={shapes.length}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={() => setDraft(null)}
    >
      {w > 0 &&
        [...shapes, ...(draft ? [draft] : [])].map((s, i) => <ShapeView key={i} shape={s} w={w} h={h} />)}
    </svg>
  );
}
