import { useCallback } from 'react';
import { useAppStore } from '../../store';
import { filmstripOf, type BoardColumns } from '../../store/boardSelectors';
import { Modal } from '../Modal';
import { Loupe } from '../review/Loupe';
import { Survey } from '../review/Survey';
import { KEY_HELP, VIEWER_KEY_HELP } from './boardKeys';
import { FinalizeDialog } from './FinalizeDialog';
import { ExportDialog } from './ExportDialog';

function KeyTable({ rows, label }: { rows: readonly { keys: string[]; what: string }[]; label: string }) {
  return (
    <table className="keys" aria-label={label}>
      <tbody>
        {rows.map((k) => (
          <tr key={k.what}>
            <td>
              {k.keys.map((x) => (
                <kbd key={x}>{x}</kbd>
              ))}
            </td>
            <td>{k.what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Whichever board overlay is open: help, the loupe, the survey, or the finalize and export dialogs. */
export function BoardOverlays({ board }: { board: BoardColumns }) {
  const overlay = useAppStore((s) => s.overlay);
  const openOverlay = useAppStore((s) => s.openOverlay);
  const focus = useAppStore((s) => s.focus);
  const close = useCallback(() => openOverlay(null), [openOverlay]);
  if (!overlay) return null;
  switch (overlay.kind) {
    case 'help':
      return (
        <Modal title="Keyboard shortcuts" onClose={close}>
          <KeyTable rows={KEY_HELP} label="Board keys" />
          <h3>In the loupe and the survey</h3>
          <KeyTable rows={VIEWER_KEY_HELP} label="Loupe and survey keys" />
          <p className="muted">Keys work anywhere but in text fields. Pick is promising, reject is discard. With auto-advance on, tagging or rating moves to the next take.</p>
        </Modal>
      );
    case 'loupe': {
      const card = board.byId.get(overlay.takeId);
      const strip = filmstripOf(board, overlay.takeId);
      const pick = (id: string) => {
        focus(id);
        openOverlay({ kind: 'loupe', takeId: id });
      };
      return (
        <Modal title={card ? `Take ${card.number} · ${card.model}` : 'Take'} onClose={close} wide>
          {card ? <Loupe key={card.id} card={card} strip={strip} onPick={pick} /> : <p>This take is no longer on the board (or the filter hides it).</p>}
        </Modal>
      );
    }
    case 'survey': {
      const cards = overlay.takeIds.map((id) => board.byId.get(id)).filter((c) => c !== undefined);
      return (
        <Modal title={`Survey · ${cards.length} takes`} onClose={close} wide>
          {cards.length >= 2 ? (
            <Survey cards={cards} activeId={overlay.activeId} setActive={(id) => openOverlay({ ...overlay, activeId: id })}  />
          ) : (
            <p>Fewer than two of these takes are still on the board.</p>
          )}
        </Modal>
      );
    }
    case 'finalize':
      return <FinalizeDialog onClose={close} />;
    case 'export':
      return <ExportDialog onClose={close} />;
  }
}
