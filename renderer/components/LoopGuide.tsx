const STEPS: { name: string; what: string }[] = [
  { name: 'Draft', what: 'cheap preview takes from a prompt; the cost shows before you spend' },
  { name: 'Check', what: 'every take is checked automatically: black, frozen, silent, wrong size' },
  { name: 'Tag', what: 'reviewers pick (P), reject (X) or mark needs-fix (F)' },
  { name: 'Circle', what: 'the best picks per shot make the shortlist' },
  { name: 'Finalize', what: 'only the shortlist is re-rendered at release spec' },
  { name: 'Export', what: 'finals in shot order, a sequence and a manifest' },
];

/** The loop in one glance, for a first launch: shown until the project has a take. */
export function LoopGuide() {
  return (
    <section className="loop-guide" aria-labelledby="loop-guide-heading">
      <h2 id="loop-guide-heading">How Circle Take works</h2>
      <ol className="loop-steps">
        {STEPS.map((s, i) => (
          <li key={s.name}>
            <span className="loop-step-name">
              <span className="loop-step-n" aria-hidden="true">
                {i + 1}
              </span>
              {s.name}
            </span>
            <span className="loop-step-what">{s.what}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
