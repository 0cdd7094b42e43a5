// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBoard, PROJECT, takeFacts } from '../../../test/support/fakeBoard';
import { renderWithStore } from '../../../test/support/renderApp';
import { Board } from './Board';

afterEach(cleanup);

async function setup(n = 4) {
  const board = fakeBoard(Array.from({ length: n }, (_, i) => takeFacts(i)));
  const r = renderWithStore(<Board />, board.handlers, { selectedProjectId: PROJECT.id });
  await act(() => r.store.getState().loadBoard(PROJECT.id));
  const column = (name: string) => screen.getByRole('region', { name });
  const cardsIn = (name: string) => within(column(name)).queryAllByRole('option');
  return { ...r, board, column, cardsIn };
}

describe('Board', () => {
  it('shows a region per stage with its cards', async () => {
    const { cardsIn } = await setup(3);
    for (const name of ['Draft', 'Auto-check', 'Tag', 'Shortlist', 'Finalize', 'Published']) expect(screen.getByRole('region', { name })).toBeTruthy();
    expect(cardsIn('Tag')).toHaveLength(3);
  });

  it('tags with single keys, moves the card, and advances focus to the next take', async () => {
    const { cardsIn, store } = await setup(3);
    const [first, second] = cardsIn('Tag');
    fireEvent.click(first!);
    fireEvent.keyDown(first!, { key: 'p' });
    await waitFor(() => expect(cardsIn('Shortlist')).toHaveLength(1));
    expect(cardsIn('Shortlist')[0]!.getAttribute('data-take-id')).toBe(first!.getAttribute('data-take-id'));
    expect(store.getState().focusedId).toBe(second!.getAttribute('data-take-id'));
    await waitFor(() => expect(document.activeElement?.getAttribute('data-take-id')).toBe(second!.getAttribute('data-take-id')));
    // Reject the focused one: it stays in Tag, sinks below the untagged take, shows the tag.
    fireEvent.keyDown(document.activeElement!, { key: 'x' });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Tag' })).getByText(/discard · owner/)).toBeTruthy());
    expect(cardsIn('Tag').map((c) => c.getAttribute('data-take-id'))).toEqual([takeFacts(2).id, takeFacts(1).id]);
  });

  it('does not advance when auto-advance is off', async () => {
    const { cardsIn, store } = await setup(3);
    store.getState().setAutoAdvance(false);
    const [first] = cardsIn('Tag');
    fireEvent.click(first!);
    fireEvent.keyDown(first!, { key: 'f' });
    await waitFor(() => expect(store.getState().marks[first!.getAttribute('data-take-id')!]?.tags).toHaveLength(1));
    expect(store.getState().focusedId).toBe(first!.getAttribute('data-take-id'));
  });

  it('selects with Space and Shift+Arrow and tags the whole selection at once', async () => {
    const { cardsIn, transport } = await setup(4);
    const cards = cardsIn('Tag');
    fireEvent.click(cards[0]!);
    fireEvent.keyDown(cards[0]!, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(cards[1]!, { key: 'ArrowDown', shiftKey: true });
    await waitFor(() => expect(cardsIn('Tag').filter((c) => c.getAttribute('aria-selected') === 'true')).toHaveLength(3));
    fireEvent.keyDown(document.activeElement ?? cards[2]!, { key: 'x' });
    await waitFor(() => expect(transport.callsOf('tags.add')).toHaveLength(1));
    expect((transport.callsOf('tags.add')[0] as { takeIds: string[] }).takeIds).toHaveLength(3);
  });

  it('undoes with Z, moving the card back', async () => {
    const { cardsIn } = await setup(2);
    const [first] = cardsIn('Tag');
    fireEvent.click(first!);
    fireEvent.keyDown(first!, { key: 'p' });
    await waitFor(() => expect(cardsIn('Shortlist')).toHaveLength(1));
    fireEvent.keyDown(document.activeElement ?? first!, { key: 'z' });
    await waitFor(() => expect(cardsIn('Shortlist')).toHaveLength(0));
  });

  it('opens the help overlay with ? and closes it with Escape', async () => {
    const { cardsIn } = await setup(1);
    fireEvent.keyDown(cardsIn('Tag')[0]!, { key: '?' });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Pick: tag promising')).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('renders only a window of cards for 10,000 takes', async () => {
    const { cardsIn } = await setup(10_000);
    expect(screen.getByLabelText('10000 in Tag')).toBeTruthy();
    const rendered = cardsIn('Tag').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(30);
  });
});
