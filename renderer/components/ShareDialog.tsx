import { useEffect, useState, type FormEvent } from 'react';
import type { LinkRole } from '../../shared/contract/review';
import { useAppStore } from '../store';
import { errorText } from './errorText';
import { fmtTime } from './format';
import { Modal } from './Modal';
import './share.css';

const ROLE_TEXT: Record<LinkRole, string> = {
  reviewer: 'Reviewer: watch previews, tag and comment; no money',
  producer: 'Producer: also shortlist, finalize, export and see credits',
};

/** "Share for review": the button in the top bar (owner only) and its dialog. */
export function ShareButton() {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="ghost" onClick={() => setOpen(true)}>
        Share for review
      </button>
      {isOpen && <ShareDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Makes a reviewer or producer link (shown once, with a QR code and a copy button), and lists the
 * live links with a revoke each. The list follows links made and revoked in other sessions.
 */
export function ShareDialog({ onClose }: { onClose(): void }) {
  const links = useAppStore((s) => s.reviewLinks);
  const shared = useAppStore((s) => s.lastShared);
  const loadReviewLinks = useAppStore((s) => s.loadReviewLinks);
  const shareForReview = useAppStore((s) => s.shareForReview);
  const revokeReviewLink = useAppStore((s) => s.revokeReviewLink);
  const [name, setName] = useState('');
  const [role, setRole] = useState<LinkRole>('reviewer');
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    loadReviewLinks().catch((e: unknown) => setError(errorText(e)));
  }, [loadReviewLinks]);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await shareForReview(role, name.trim());
      setCopied(null);
    });
  };
  const copy = (url: string) =>
    void run(async () => {
      await navigator.clipboard.writeText(url);
      setCopied(url);
    });

  return (
    <Modal title="Share for review" onClose={onClose} wide>
      <div className="share">
        <form className="share-form" onSubmit={onSubmit}>
          <label htmlFor="share-name">Who is it for</label>
          <input id="share-name" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} placeholder="e.g. Rita (their tags carry this name)" required autoFocus />
          <fieldset className="share-roles">
            <legend>Role</legend>
            {(['reviewer', 'producer'] as const).map((r) => (
              <label key={r} className="inline">
                <input type="radio" name="share-role" value={r} checked={role === r} onChange={() => setRole(r)} /> {ROLE_TEXT[r]}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary" disabled={isBusy || name.trim() === ''}>
            Make link
          </button>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
        {shared && (
          <section className="share-made" aria-label={`Link for ${shared.link.name}`}>
            <h3>
              {shared.link.role === 'reviewer' ? 'Reviewer' : 'Producer'} link for {shared.link.name}
            </h3>
            {shared.urls.map((url, i) => (
              <div key={url} className="share-url">
                <input readOnly aria-label={i === 0 ? 'Review link' : `Review link on the network (${i})`} value={url} onFocus={(e) => e.currentTarget.select()} />
                <button type="button" onClick={() => copy(url)} aria-label={i === 0 ? 'Copy link' : `Copy network link ${i}`}>
                  {copied === url ? 'Copied' : 'Copy'}
                </button>
              </div>
            ))}
            {shared.qrSvg && <img className="share-qr" src={`data:image/svg+xml;utf8,${encodeURIComponent(shared.qrSvg)}`} alt={`QR code of the link for ${shared.link.name}`} />}
            <p className="muted">{shared.note}</p>
          </section>
        )}
      </div>
      <h3>Live links</h3>
      {links.length === 0 ? (
        <p className="muted">No live links. Links you make appear here until you revoke them.</p>
      ) : (
        <ul className="share-links" aria-label="Live links">
          {links.map((l) => (
            <li key={l.id}>
              <span className="share-who">{l.name}</span>
              <span className="muted">{l.role}</span>
              <span className="muted">made {fmtTime(l.createdAt)}</span>
              <button type="button" className="small danger" disabled={isBusy} onClick={() => void run(() => revokeReviewLink(l.id))} aria-label={`Revoke ${l.name}’s link`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
