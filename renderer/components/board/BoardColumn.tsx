import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export const CARD_HEIGHT = 214;
const GAP = 8;
const ROW = CARD_HEIGHT + GAP;
/** The scroll box's padding (styles.css `.column-scroll`): row i starts at PAD + i × ROW. */
const PAD = 8;
const OVERSCAN = 3;

interface Props<T> {
  label: string;
  items: readonly T[];
  keyOf(item: T): string;
  render(item: T): ReactNode;
  /** Index to keep in view (the focused card), or -1. */
  focusIndex: number;
  actions?: ReactNode;
  empty: string;
}

/** The scroll box's height; before layout (or without one, as in jsdom) a screenful. */
const heightOf = (el: HTMLElement) => el.clientHeight || 800;

/** The rows in view (with a few either side): a fixed row height makes this arithmetic, whatever the count. */
export function windowOf(count: number, top: number, height: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor((top - PAD) / ROW) - OVERSCAN);
  const last = Math.min(count - 1, Math.floor((top + height - PAD) / ROW) + OVERSCAN);
  return { first, last };
}

/** The scrollTop that brings row i into view with the least movement (unchanged when it is in view). */
export function scrollFor(i: number, top: number, height: number): number {
  const start = PAD + i * ROW;
  if (start - PAD < top) return start - PAD;
  if (start + CARD_HEIGHT + PAD > top + height) return start + CARD_HEIGHT + PAD - height;
  return top;
}

/**
 * One board column: a region named by its stage, with a windowed list of cards (only the cards in
 * view are in the DOM). Rows have one fixed height, so the window is computed, never measured: a
 * column of 100,000 takes costs the same per render as one of ten. Keeps the focused card in view.
 */
export function BoardColumn<T>({ label, items, keyOf, render, focusIndex, actions, empty }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const read = () => setView((v) => (v.top === el.scrollTop && v.height === heightOf(el) ? v : { top: el.scrollTop, height: heightOf(el) }));
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, []);

  // The focused card in view before the browser paints: the window follows in the same frame.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || focusIndex < 0) return;
    const top = scrollFor(focusIndex, el.scrollTop, heightOf(el));
    if (top !== el.scrollTop) {
      el.scrollTop = top;
      setView({ top: el.scrollTop, height: heightOf(el) });
    }
  }, [focusIndex]);

  const { first, last } = windowOf(items.length, view.top, view.height);
  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const item = items[i]!;
    rows.push(
      <div key={keyOf(item)} className="column-row" style={{ transform: `translateY(${i * ROW}px)`, height: CARD_HEIGHT }}>
        {render(item)}
      </div>,
    );
  }
  const headingId = `col-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section className="column" role="region" aria-labelledby={headingId}>
      <header className="column-head">
        <h2 id={headingId}>{label}</h2>
        <span className="count" aria-label={`${items.length} in ${label}`}>
          {items.length.toLocaleString('en-US')}
        </span>
      </header>
      {actions && <div className="column-actions">{actions}</div>}
      {/* An empty column is a note, not an empty listbox (a listbox needs options). */}
      <div ref={scrollRef} className="column-scroll" {...(items.length > 0 ? { role: 'listbox', 'aria-label': `${label} takes`, 'aria-multiselectable': true } : {})}>
        {items.length === 0 ? (
          <p className="muted column-empty">{empty}</p>
        ) : (
          <div className="column-inner" style={{ height: items.length * ROW - GAP }}>
            {rows}
          </div>
        )}
      </div>
    </section>
  );
}
