import { useCallback } from 'react';
import { useAppStore } from '../../store';
import type { BoardColumns } from '../../store/boardSelectors';
import { Modal } from '../Modal';
import { KEY_HELP } from './boardKeys';
import { CompareView, PlayerView } from './Player';
import { FinalizeDialog } from './FinalizeDialog';
import { ExportDialog } from './ExportDialog';

/** Whichever board overlay is open: help, player, compare, or the finalize confirmation. */
export function BoardOverlays({ board }: { board: BoardColumns }) {
  const overlay = useAppStore((s) => s.overlay);
  const openOverlay = useAppStore((s) => s.openOverlay);
  const close = useCallback(() => openOverlay(null), [openOverlay]);
  if (!overlay) return null;
  switch (overlay.kind) {
    case 'help':
      return (
        <Modal title="Keyboard shortcuts" onClose={close}>
          <table className="keys">
            <tbody>
              {KEY_HELP.map((k) => (
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
          <p className="muted">Pick is promising, reject is discard. With auto-advance on, tagging moves to the next take in the column.</p>
        </Modal>
      );
    case 'player': {
      const card = board.byId.get(overlay.takeId);
      return (
        <Modal title={card ? `Take ${card.number} · ${card.model}` : 'Take'} onClose={close} wide>
          {card ? <PlayerView card={card} /> : <p>This take is no longer on the board.</p>}
        </Modal>
      );
    }
    case 'compare': {
      const a = board.byId.get(overlay.a);
      const b = board.byId.get(overlay.b);
      return (
        <Modal title="Compare takes" onClose={close} wide>
          {a && b ? <CompareView a={a} b={b} /> : <p>One of these takes is no longer on the board.</p>}
        </Modal>
      );
    }
    case 'finalize':
      return <FinalizeDialog onClose={close} />;
    case 'export':
      return <ExportDialog onClose={close} />;
  }
}
