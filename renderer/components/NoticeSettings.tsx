import { useEffect, useState, type FormEvent } from 'react';
import { useAppStore } from '../store';
import { errorText } from './errorText';
import { creditsText, fmtCredits, fmtTime } from './format';

/**
 * Spend notices (admins): the studio's default thresholds (blank: the plan's), and the webhook every
 * notice is POSTed to, signed with its secret (never shown again: only whether one is set), with its
 * recent sends — a failed one says why.
 */
export function NoticeSettings() {
  const limits = useAppStore((s) => s.limits);
  const deliveries = useAppStore((s) => s.deliveries);
  const { setNotifySettings, loadLimits, notify } = useAppStore((s) => s);
  const notice = limits?.notify;
  const nameOf = (id: string) => limits?.members.find((m) => m.userId === id)?.name ?? id;
  const [at, setAt] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  useEffect(() => setAt(notice?.defaultAt?.join(', ') ?? ''), [notice?.defaultAt]);
  useEffect(() => setUrl(notice?.webhook?.url ?? ''), [notice?.webhook?.url]);
  if (!notice) return null;
  const fail = (err: unknown) => notify('error', errorText(err));
  const onThresholds = (e: FormEvent) => {
    e.preventDefault();
    void (async () => {
      const list = at.trim() === '' ? null : at.split(',').map((x) => creditsText(x, 'Notices at')).filter((x): x is number => x !== null);
      await setNotifySettings({ notifyAt: list });
      notify('info', list === null ? "Spend notices follow the plan's thresholds." : 'Spend notice thresholds saved.');
    })().catch(fail);
  };
  const onWebhook = (e: FormEvent) => {
    e.preventDefault();
    setNotifySettings({ webhook: { url: url.trim(), ...(secret ? { secret } : {}) } }).then(() => {
      setSecret('');
      notify('info', 'Webhook saved.');
      return loadLimits();
    }, fail);
  };
  const onRemove = () => setNotifySettings({ webhook: null }).then(() => notify('info', 'Webhook removed.'), fail);
  return (
    <>
      <form onSubmit={onThresholds} className="row wrap">
        <label htmlFor="notify-default">Notify when a member's month passes</label>
        <input id="notify-default" className="wide" inputMode="numeric" placeholder={`plan: ${notice.planAt.map(fmtCredits).join(', ') || 'none'}`} value={at} onChange={(e) => setAt(e.target.value)} />
        <button type="submit">Save thresholds</button>
      </form>
      <form onSubmit={onWebhook} className="row wrap" aria-label="Spend notice webhook">
        <label htmlFor="webhook-url">Webhook URL</label>
        <input id="webhook-url" className="wide" type="url" placeholder="https://hooks.example.com/spend" value={url} onChange={(e) => setUrl(e.target.value)} />
        <label htmlFor="webhook-secret">Signing secret</label>
        <input
          id="webhook-secret"
          type="password"
          autoComplete="off"
          placeholder={notice.webhook?.hasSecret ? 'set (type to replace)' : '16 characters or more'}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
        <button type="submit">Save webhook</button>
        {notice.webhook && (
          <button type="button" onClick={onRemove}>
            Remove webhook
          </button>
        )}
      </form>
      {deliveries.length > 0 && (
        <ul aria-label="Recent webhook deliveries" className="plain">
          {deliveries.map((d) => (
            <li key={d.id} className={d.state === 'failed' ? 'field-error' : undefined}>
              {fmtTime(Date.parse(d.createdAt))} · {nameOf(d.userId)} past {fmtCredits(d.threshold)} · {d.state} after {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
              {d.lastError ? ` (${d.lastError})` : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
