import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanConfig } from '../../../shared/money/planSchema';
import { RateCard } from '../../../shared/money/rateCardSchema';
import { findResourcesDir } from './resourcesDir';
import { formatProblem, nearest, parseConfigText } from './configFile';

const resources = findResourcesDir();
const freeText = readFileSync(join(resources, 'plans', 'runway-free.yaml'), 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function problem(text: string, schema: typeof PlanConfig | typeof RateCard = PlanConfig) {
  const r = parseConfigText('plans/x.yaml', text, schema as typeof PlanConfig);
  if (r.ok) throw new Error('expected the file to be rejected');
  return r.problem;
}

describe('parseConfigText', () => {
  it('accepts every shipped plan and rate card', () => {
    for (const [dir, schema] of [
      ['plans', PlanConfig],
      ['rates', RateCard],
    ] as const) {
      for (const f of ['runway-api', 'runway-free', 'runway-standard', 'runway-pro', 'runway-unlimited', 'runway-enterprise', 'platform-reseller-example', 'generic-pixel']) {
        let text: string;
        try {
          text = readFileSync(join(resources, dir, `${f}.yaml`), 'utf8');
        } catch {
          continue; // this name is the other kind
        }
        const r = parseConfigText(f, text, schema as typeof PlanConfig);
        expect(r.ok ? 'ok' : formatProblem(r.problem)).toBe('ok');
      }
    }
  });

  it('names the line and field of a typo in a key, with the key it meant', () => {
    const text = freeText.replace('  watermark_preview: true', '  watermark_previw: true');
    expect(problem(text)).toEqual({
      file: 'plans/x.yaml',
      line: lineOf(text, 'watermark_previw'),
      field: 'outputs.watermark_previw',
      message: 'unknown field "watermark_previw"; did you mean "watermark_preview"?',
    });
  });

  it('names the line and field of a wrong value', () => {
    const text = freeText.replace('credits_per_day: 50', 'credits_per_day: -5');
    const p = problem(text);
    expect(p).toMatchObject({ line: lineOf(text, 'credits_per_day'), field: 'quotas.credits_per_day' });
    expect(p.message).toMatch(/negative/);
    const frac = problem(freeText.replace('credits: 125', 'credits: 12.5'));
    expect(frac).toMatchObject({ field: 'pools.web.grants.0.credits', line: lineOf(freeText, 'credits: 125') });
    expect(frac.message).toMatch(/whole number/);
  });

  it('points a missing field at its parent', () => {
    const text = freeText.replace('  max_concurrent_jobs: 2\n', '');
    const p = problem(text);
    expect(p.field).toBe('quotas.max_concurrent_jobs');
    expect(p.line).toBe(lineOf(text, 'quotas:'));
  });

  it('reports a YAML syntax error with its line', () => {
    const text = freeText.replace('  burst: 3', '  burst: [3');
    const p = problem(text);
    expect(p.field).toBe('(yaml)');
    expect(p.line).toBeGreaterThanOrEqual(lineOf(freeText, 'burst: 3'));
  });

  it('finds a rate-card model typo inside a record', () => {
    const card = readFileSync(join(resources, 'rates', 'runway-api.yaml'), 'utf8');
    const text = card.replace('    credits_per_second: 12\n', '    credit_per_second: 12\n');
    const p = problem(text, RateCard);
    expect(p).toMatchObject({ field: 'models.gen4.5.credit_per_second', line: lineOf(text, 'credit_per_second') });
    expect(p.message).toContain('did you mean "credits_per_second"');
  });

  it('answers a file read again from memory, as a copy, and reads a changed text afresh', () => {
    const first = parseConfigText('plans/free.yaml', freeText, PlanConfig);
    const again = parseConfigText('plans/free.yaml', freeText, PlanConfig);
    if (!first.ok || !again.ok) throw new Error('the shipped plan should read');
    expect(again).toEqual(first);
    // A caller changing what it got changes nobody else's copy.
    expect(again.value).not.toBe(first.value);
    expect(first.value.plan.name).toBe('runway-free');
    first.value.plan.name = 'changed by a caller';
    expect((parseConfigText('plans/free.yaml', freeText, PlanConfig) as typeof first).value.plan.name).toBe('runway-free');
    expect(again.value.plan.name).toBe('runway-free');
    // The same text under another file name names that file; a changed text is read again.
    expect(problem(freeText.replace('  watermark_preview: true', '  watermark_preview: maybe')).field).toBe('outputs.watermark_preview');
    const broken = parseConfigText('plans/other.yaml', freeText.replace('  watermark_preview: true', '  watermark_preview: maybe'), PlanConfig);
    expect(broken.ok ? null : broken.problem.file).toBe('plans/other.yaml');
  });

  it('nearest() suggests only close words', () => {
    expect(nearest('surfce', ['surface', 'rate_card'])).toBe('surface');
    expect(nearest('zzzzzzzz', ['surface'])).toBeNull();
  });
});

describe('parseConfigText against an alias bomb', () => {
  const bomb = [
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    'g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]',
    'h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]',
    'i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]',
  ].join('\n');

  it('rejects a billion laughs as a broken file, naming file, line and the way out', () => {
    const text = `${freeText}\n${bomb}\n`;
    const p = problem(text);
    // The line of the first alias.
    expect(p).toMatchObject({ file: 'plans/x.yaml', field: '(yaml)', line: lineOf(text, 'b: &b') });
    expect(p.message).toMatch(/^too many aliases to expand \(more than 50\); write the values out/);
  });

  it('still reads a plan that reuses a value through a few aliases', () => {
    const text = freeText.replace(/preview: \[mp4\]/, 'preview: &fmt [mp4]').replace(/release: \[mp4\]/, 'release: *fmt');
    expect(text).toContain('*fmt');
    const r = parseConfigText('plans/x.yaml', text, PlanConfig);
    expect(r.ok && r.value.outputs.allowed_formats.release).toEqual(['mp4']);
  });
});
