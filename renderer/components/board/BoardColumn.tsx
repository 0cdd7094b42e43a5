import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';

export const CARD_HEIGHT = 214;
const GAP = 8;

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

/**
 * One board column: a region named by its stage, with a virtualized list of cards (only the cards
 * in view are in the DOM, so 10,000 takes scroll smoothly). Keeps the focused card in view.
 */
export function BoardColumn<T>({ label, items, keyOf, render, focusIndex, actions, empty }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable while the items are: the virtualizer re-measures every row when its key function changes.
  // keyOf is a pure id accessor (callers pass it inline), so it is read through a ref and only the items decide the keys.
  const keyOfRef = useRef(keyOf);
  useEffect(() => {
    keyOfRef.current = keyOf;
  }, [keyOf]);
  const getItemKey = useCallback((i: number) => keyOfRef.current(items[i]!), [items]);
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT + GAP,
    overscan: 3,
    getItemKey,
    initialRect: { width: 200, height: 800 },
  });
  useEffect(() => {
    if (focusIndex >= 0) v.scrollToIndex(focusIndex, { align: 'auto' });
  }, [focusIndex, v]);
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
          <div className="column-inner" style={{ height: v.getTotalSize() }}>
            {v.getVirtualItems().map((row) => (
              <div key={row.key} className="column-row" style={{ transform: `translateY(${row.start}px)`, height: CARD_HEIGHT }}>
                {render(items[row.index]!)}
              </div>
            ))}
          </div>
        )}
      </div>
    </section>
  );
}
