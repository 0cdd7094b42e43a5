// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBoard, PROJECT, takeFacts } from '../../../test/support/fakeBoard';
import { renderWithStore } from '../../../test/support/renderApp';
import { Board } from './Board';
import { marksOfTake } from '../../store/slices/boardSlice';

afterEach(cleanup);

async function setup(n = 4, modelOf: (i: number) => string = () => 'gen4_turbo') {
  const board = fakeBoard(Array.from({ length: n }, (_, i) => takeFacts(i, { model: modelOf(i) })));
  const r = renderWithStore(<Board />, board.handlers, { selectedProjectId: PROJECT.id });
  await act(() => r.store.getState().loadBoard(PROJECT.id));
  const column = (name: string) => screen.getByRole('region', { name });
  const cardsIn = (name: string) => within(column(name)).queryAllByRole('option');
  return { ...r, board, column, cardsIn };
}

describe('Board', () => {
  it('offers finalizing and the shortlist rule to whoever may make those calls: a producer, not a filmmaker or a reviewer', async () => {
    const { cardsIn, column, store, transport } = await setup(2);
    expect(column('Draft').textContent).toContain('Draft a take above.');
    act(() => store.setState({ role: 'filmmaker' }));
    fireEvent.click(cardsIn('Tag')[0]!);
    fireEvent.keyDown(cardsIn('Tag')[0]!, { key: 'p' });
    await waitFor(() => expect(cardsIn('Shortlist')).toHaveLength(1));
    // A filmmaker tags and picks, but finalize.run and shortlist.auto would be refused (403): not offered.
    expect(within(column('Shortlist')).queryByRole('button', { name: /^Finalize/ })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Shortlist rule' })).toBeNull();
    // S (force into the shortlist) is the producer's: the filmmaker is told, and nothing is sent.
    fireEvent.keyDown(cardsIn('Tag')[0]!, { key: 's' });
    expect(transport.callsOf('shortlist.set')).toEqual([]);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'info', text: expect.stringContaining('is for a producer') });
    act(() => store.setState({ role: 'reviewer' }));
    expect(within(column('Shortlist')).queryByRole('button', { name: /^Finalize/ })).toBeNull();
    act(() => store.setState({ role: 'producer' }));
    expect(within(column('Shortlist')).getByRole('button', { name: 'Finalize 1' })).toBeTruthy();
    // A producer drafts nothing: the empty Draft column does not send it to a form it does not have.
    expect(column('Draft').textContent).toContain('Nothing generating.');
    expect(column('Draft').textContent).not.toContain('Draft a take above.');
    expect(screen.getByRole('group', { name: 'Shortlist rule' })).toBeTruthy();
  });

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
    await waitFor(() => expect(marksOfTake(store.getState(), first!.getAttribute('data-take-id')!)?.tags).toHaveLength(1));
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

  it('takes keys anywhere but text fields: from the page body P picks and 4 rates, in a text field nothing happens', async () => {
    const { cardsIn, store, transport } = await setup(3);
    const input = document.body.appendChild(document.createElement('input'));
    fireEvent.keyDown(input, { key: 'p' });
    fireEvent.keyDown(input, { key: '4' });
    expect(transport.callsOf('tags.add')).toHaveLength(0);
    expect(transport.callsOf('stars.set')).toHaveLength(0);
    input.remove();
    const first = cardsIn('Tag')[0]!.getAttribute('data-take-id')!;
    fireEvent.keyDown(document.body, { key: 'p' });
    await waitFor(() => expect(cardsIn('Shortlist')).toHaveLength(1));
    expect(cardsIn('Shortlist')[0]!.getAttribute('data-take-id')).toBe(first);
    // Auto-advance moved the focus to the next take: the rating lands there, and the focus moves on.
    const next = store.getState().focusedId;
    expect(next).not.toBe(first);
    fireEvent.keyDown(document.body, { key: '4' });
    await waitFor(() => expect(transport.callsOf('stars.set')).toEqual([{ takeIds: [next], stars: 4, author: 'owner' }]));
  });

  it('opens the loupe with Enter; ←/→ walk the filmstrip and X rejects the take shown, advancing', async () => {
    const { cardsIn, store, transport } = await setup(3);
    const ids = cardsIn('Tag').map((c) => c.getAttribute('data-take-id')!);
    fireEvent.click(cardsIn('Tag')[0]!);
    fireEvent.keyDown(document.body, { key: 'Enter' });
    const loupe = await screen.findByRole('dialog', { name: /^Take 1 · gen4_turbo/ });
    expect(within(loupe).getAllByRole('button', { name: /^Take \d/ })).toHaveLength(3);
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    await waitFor(() => expect(store.getState().overlay).toEqual({ kind: 'loupe', takeId: ids[1] }));
    fireEvent.keyDown(document.body, { key: 'x' });
    await waitFor(() => expect(transport.callsOf('tags.add')).toEqual([{ takeIds: [ids[1]], tag: 'discard', author: 'owner' }]));
    expect(store.getState().overlay).toEqual({ kind: 'loupe', takeId: ids[2] });
  });

  it('surveys the selection with C, and filters the board by verdict and model', async () => {
    const { cardsIn, store } = await setup(4, (i) => (i === 3 ? 'gen4.5' : 'gen4_turbo'));
    store.getState().setSelection(cardsIn('Tag').slice(0, 3).map((c) => c.getAttribute('data-take-id')!));
    fireEvent.keyDown(document.body, { key: 'c' });
    expect(await screen.findByRole('dialog', { name: 'Survey · 3 takes' })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await act(() => store.getState().tag([cardsIn('Tag')[0]!.getAttribute('data-take-id')!], 'discard'));
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'rejected' } });
    await waitFor(() => expect(cardsIn('Tag')).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'untagged' } });
    await waitFor(() => expect(cardsIn('Tag')).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Made with'), { target: { value: 'gen4.5' } });
    await waitFor(() => expect(cardsIn('Tag')).toHaveLength(1));
    expect(cardsIn('Tag')[0]!.getAttribute('data-take-id')).toBe(takeFacts(3).id);
  });

  it('renders only a window of cards for 10,000 takes', async () => {
    const { cardsIn } = await setup(10_000);
    expect(screen.getByLabelText('10000 in Tag')).toBeTruthy();
    const rendered = cardsIn('Tag').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(30);
  });
});
