import { useEffect, useState } from 'react';
import type { ShortlistRule } from '../../../shared/contract/board';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';

/** How the shortlist is cut per shot: the top N takes or the top percent. Applies on change. */
export function ShortlistRuleControl() {
  const rule = useAppStore((s) => s.rule);
  const setRule = useAppStore((s) => s.setRule);
  const notify = useAppStore((s) => s.notify);
  const [value, setValue] = useState(String(rule.mode === 'top' ? rule.n : rule.percent));
  useEffect(() => setValue(String(rule.mode === 'top' ? rule.n : rule.percent)), [rule]);
  const apply = (next: ShortlistRule) => void setRule(next).catch((e: unknown) => notify('error', errorText(e)));
  const commit = () => {
    const n = Number(value);
    const max = rule.mode === 'top' ? 1000 : 100;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      notify('error', `Shortlist: enter a whole number from 1 to ${max}.`);
      setValue(String(rule.mode === 'top' ? rule.n : rule.percent));
      return;
    }
    if (rule.mode === 'top' ? n !== rule.n : n !== rule.percent) apply(rule.mode === 'top' ? { ...rule, n } : { ...rule, percent: n });
  };
  return (
    <div className="rule" role="group" aria-label="Shortlist rule">
      <label htmlFor="rule-mode">Shortlist per shot</label>
      <select id="rule-mode" value={rule.mode} onChange={(e) => apply({ ...rule, mode: e.target.value as ShortlistRule['mode'] })}>
        <option value="percent">top %</option>
        <option value="top">top N</option>
      </select>
      <input
        aria-label={rule.mode === 'top' ? 'Takes per shot' : 'Percent per shot'}
        className="narrow"
        type="number"
        min={1}
        max={rule.mode === 'top' ? 1000 : 100}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}
