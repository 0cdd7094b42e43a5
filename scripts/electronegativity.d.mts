// Types for scripts/electronegativity.mjs (the Electronegativity gate), for the test that exercises it.
export interface Finding {
  id: string;
  file: string;
  line: number;
  severity: string;
  description: string;
}
export interface Waivers {
  excludedChecks: { check: string; reason: string }[];
  waivers: { id: string; file?: string; reason: string }[];
}
export const repoRoot: string;
export const SCANNED: string[];
export const WAIVERS_FILE: string;
export function loadWaivers(file?: string): Waivers;
export function runGate(o?: { root?: string; paths?: string[]; waivers?: Waivers; sarif?: string | null }): Promise<{ ok: boolean; problems: string[]; findings: Finding[]; waived: Finding[]; checks: number }>;
