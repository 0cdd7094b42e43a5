import { useEffect, useState, type FormEvent } from 'react';
import type { MemberLimits } from '../../shared/money/limits';
import { useAppStore } from '../store';
import { can } from '../store/access';
import { errorText } from './errorText';
import { creditsText, fmtCredits, fmtDay } from './format';
import { NoticeSettings } from './NoticeSettings';

const used = (spent: number, limit: number | null) => (limit === null ? `${fmtCredits(spent)} (no limit)` : `${fmtCredits(spent)} of ${fmtCredits(limit)}`);
const notices = (m: MemberLimits) => (m.notifyAt === null ? 'studio default' : m.notifyAt.length === 0 ? 'none' : m.notifyAt.map(fmtCredits).join(', '));

/**
 * Limits and notices (admins): each member's monthly budget and daily cap with what they used, the
 * project's daily cap beside its budget, and the spend notices (thresholds, webhook). Held and charged
 * credits count; months and days are UTC.
 */
export function LimitsSection({ projectId }: { projectId: string | null }) {
  const mayRead = useAppStore((s) => can(s, 'credits.limits'));
  const limits = useAppStore((s) => s.limits);
  const { loadLimits, notify } = useAppStore((s) => s);
  useEffect(() => {
    if (mayRead) loadLimits().catch((e: unknown) => notify('error', errorText(e)));
  }, [mayRead, loadLimits, notify]);
  if (!mayRead || !limits) return null;
  const project = projectId ? limits.projects.find((p) => p.projectId === projectId) : undefined;
  return (
    <section className="limits" aria-labelledby="limits-heading">
      <h2 id="limits-heading">Limits and notices</h2>
      <p className="muted small">
        Held and charged credits count. Daily caps start again on {fmtDay(limits.dayResetsAt.slice(0, 10))}, monthly budgets on {fmtDay(limits.monthResetsAt.slice(0, 10))} (00:00 UTC).
      </p>
      {limits.members.length === 0 ? (
        <p className="muted">No members yet: member limits apply to a studio's members.</p>
      ) : (
        <table className="limits-table" aria-label="Member limits">
          <thead>
            <tr>
              <th>Member</th>
              <th>This month</th>
              <th>Today</th>
              <th>Notices at</th>
            </tr>
          </thead>
          <tbody>
            {limits.members.map((m) => (
              <tr key={m.userId}>
                <td>{m.name ?? m.userId}</td>
                <td className={m.monthly !== null && m.spentMonth >= m.monthly ? 'num neg' : 'num'}>{used(m.spentMonth, m.monthly)}</td>
                <td className={m.daily !== null && m.spentToday >= m.daily ? 'num neg' : 'num'}>{used(m.spentToday, m.daily)}</td>
                <td>{notices(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="ledger-forms limits-forms">
        {limits.members.length > 0 && <MemberLimitsForm members={limits.members} />}
        {project && <ProjectCapForm projectId={project.projectId} daily={project.daily} spentToday={project.spentToday} />}
        <NoticeSettings />
      </div>
    </section>
  );
}

function MemberLimitsForm({ members }: { members: MemberLimits[] }) {
  const { setUserLimits, setNotifySettings, notify } = useAppStore((s) => s);
  const [userId, setUserId] = useState(members[0]!.userId);
  const member = members.find((m) => m.userId === userId) ?? members[0]!;
  const [form, setForm] = useState({ monthly: '', daily: '', notifyAt: '' });
  useEffect(() => {
    setForm({ monthly: member.monthly?.toString() ?? '', daily: member.daily?.toString() ?? '', notifyAt: member.notifyAt?.join(', ') ?? '' });
  }, [member.userId, member.monthly, member.daily, member.notifyAt]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const name = member.name ?? member.userId;
    void (async () => {
      const monthly = creditsText(form.monthly, 'Monthly budget');
      const daily = creditsText(form.daily, 'Daily cap');
      const at = form.notifyAt.trim() === '' ? null : form.notifyAt.split(',').map((x) => creditsText(x, 'Notices at')).filter((x): x is number => x !== null);
      await setUserLimits({ userId: member.userId, monthly, daily });
      if (JSON.stringify(at) !== JSON.stringify(member.notifyAt)) await setNotifySettings({ userId: member.userId, notifyAt: at });
      notify('info', `Limits of ${name} saved.`);
    })().catch((err: unknown) => notify('error', errorText(err)));
  };
  return (
    <form onSubmit={onSubmit} className="row wrap" aria-label="Set a member's limits">
      <label htmlFor="limit-member">Member</label>
      <select id="limit-member" value={member.userId} onChange={(e) => setUserId(e.target.value)}>
        {members.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name ?? m.userId}
          </option>
        ))}
      </select>
      <label htmlFor="limit-monthly">Monthly budget</label>
      <input id="limit-monthly" className="narrow" inputMode="numeric" placeholder="none" value={form.monthly} onChange={(e) => setForm({ ...form, monthly: e.target.value })} />
      <label htmlFor="limit-daily">Daily cap</label>
      <input id="limit-daily" className="narrow" inputMode="numeric" placeholder="none" value={form.daily} onChange={(e) => setForm({ ...form, daily: e.target.value })} />
      <label htmlFor="limit-notify">Notices at</label>
      <input id="limit-notify" inputMode="numeric" placeholder="studio default" value={form.notifyAt} onChange={(e) => setForm({ ...form, notifyAt: e.target.value })} />
      <button type="submit">Save limits</button>
    </form>
  );
}

function ProjectCapForm({ projectId, daily, spentToday }: { projectId: string; daily: number | null; spentToday: number }) {
  const { setProjectDailyCap, notify } = useAppStore((s) => s);
  const [text, setText] = useState(daily?.toString() ?? '');
  useEffect(() => setText(daily?.toString() ?? ''), [daily]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void (async () => {
      const n = creditsText(text, 'Project daily cap');
      await setProjectDailyCap(projectId, n);
      notify('info', n === null ? 'Project daily cap removed.' : `Project daily cap set to ${fmtCredits(n)} credits.`);
    })().catch((err: unknown) => notify('error', errorText(err)));
  };
  return (
    <form onSubmit={onSubmit} className="row wrap">
      <label htmlFor="project-daily">Project daily cap</label>
      <input id="project-daily" className="narrow" inputMode="numeric" placeholder="none" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Set daily cap</button>
      <span className="muted small">{fmtCredits(spentToday)} used today</span>
    </form>
  );
}
