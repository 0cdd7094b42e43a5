import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { useAppStore } from '../store';
import { errorText } from './errorText';
import { Modal } from './Modal';
import './share.css';

/**
 * Where this window works, in the top bar: "Local" or the studio's address (and who we are there). In the
 * desktop app it opens "Where you work": connect to a studio with its address and an invite, or work
 * locally again. Elsewhere (a browser host, a studio's own page) it only says where the page is served from.
 */
export function ConnectionButton() {
  const connection = useAppStore((s) => s.connection);
  const loadConnection = useAppStore((s) => s.loadConnection);
  const [isOpen, setOpen] = useState(false);
  useEffect(() => {
    loadConnection().catch(() => undefined);
  }, [loadConnection]);
  if (!connection) return null;
  const label = connection.mode === 'local' ? 'Local' : connection.studio ? `Studio · ${new URL(connection.studio).host}` : 'Studio';
  const who = connection.member ? ` — ${connection.member.name} (${connection.member.role})` : '';
  if (!connection.canSwitch) {
    return (
      <span className="connection-badge" title={connection.mode === 'local' ? 'This page works on this machine\'s data' : 'This page works on a studio'}>
        {label}
        {who}
      </span>
    );
  }
  return (
    <>
      <button type="button" className="ghost connection-badge" aria-haspopup="dialog" aria-label={`Where you work: ${label}${who}`} onClick={() => setOpen(true)}>
        {label}
        {who}
      </button>
      {isOpen && <ConnectionDialog onClose={() => setOpen(false)} />}
    </>
  );
}

type Field = 'url' | 'invite' | null;

export function ConnectionDialog({ onClose }: { onClose(): void }) {
  const connection = useAppStore((s) => s.connection);
  const connect = useAppStore((s) => s.connect);
  const [url, setUrl] = useState('');
  const [invite, setInvite] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; field: Field } | null>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const inviteRef = useRef<HTMLTextAreaElement>(null);
  const isStudio = connection?.mode === 'studio';

  const run = async (req: Parameters<typeof connect>[0]) => {
    setBusy(true);
    setError(null);
    try {
      await connect(req);
      // Everything on screen belonged to the other side: start this window again from the new one.
      window.location.reload();
    } catch (e) {
      const field = fieldOf(e);
      setError({ text: errorText(e), field });
      (field === 'invite' ? inviteRef : urlRef).current?.focus();
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run({ mode: 'studio', url, invite });
  };

  return (
    <Modal title="Where you work" onClose={onClose}>
      <p className="muted">
        {isStudio
          ? `Connected to the studio at ${connection.studio ?? ''}${connection.member ? ` as ${connection.member.name} (${connection.member.role})` : ''}: its projects, queue and shared credits.`
          : 'Working locally: this machine\'s projects, queue and credits.'}
      </p>
      <form className="connection-form" onSubmit={onSubmit} aria-label="Connect to a studio">
        <h3>Connect to a studio</h3>
        <label>
          Studio address
          <input ref={urlRef} type="url" value={url} placeholder="https://studio.example.com" onChange={(e) => setUrl(e.target.value)} aria-invalid={error?.field === 'url'} required />
        </label>
        <label>
          Invite
          <textarea ref={inviteRef} value={invite} rows={2} placeholder="The invite link or code your studio admin sent you" onChange={(e) => setInvite(e.target.value)} aria-invalid={error?.field === 'invite'} required />
        </label>
        {error && (
          <p role="alert" className="field-error">
            {error.text}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={isBusy || !url.trim() || !invite.trim()}>
            {isBusy ? 'Connecting…' : 'Connect'}
          </button>
          {isStudio && (
            <button type="button" className="ghost" disabled={isBusy} onClick={() => void run({ mode: 'local' })}>
              Work locally
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}

function fieldOf(e: unknown): Field {
  const field = e instanceof ApiError ? e.details?.field : undefined;
  if (typeof field === 'string' && /url|studio/.test(field)) return 'url';
  if (typeof field === 'string' && /invite|secret/.test(field)) return 'invite';
  return null;
}
