import { useAppStore } from '../store';
import { useNotices } from '../store/selectors';

/** Transient messages; errors are announced assertively, info politely. */
export function Notices() {
  const notices = useNotices();
  const dismiss = useAppStore((s) => s.dismissNotice);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
