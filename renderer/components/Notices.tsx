import { useEffect } from 'react';
import { useAppStore } from '../store';
import { useNotices } from '../store/selectors';

export const INFO_MS = 6000;

/** Transient messages; errors are announced assertively, info politely. */
export function Notices() {
  const notices = useNotices();
  const dismiss = useAppStore((s) => s.dismissNotice);
  // Info fades INFO_MS after it was shown (a later notice does not restart its time); errors stay until dismissed.
  useEffect(() => {
    const timers = notices.filter((n) => n.kind === 'info').map((n) => setTimeout(() => dismiss(n.id), Math.max(0, n.at + INFO_MS - Date.now())));
    return () => timers.forEach(clearTimeout);
  }, [notices, dismiss]);
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
