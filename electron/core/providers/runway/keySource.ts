/**
 * Where the Runway API key comes from. The Electron shell backs it with safeStorage (the OS
 * keychain); the host and the CLI read RUNWAYML_API_SECRET. The key stays in the main process: it
 * never reaches the renderer, a log line, an error message or anything the provider returns.
 */
export interface KeySource {
  /** The key, or null when none is configured. Read on every call so a changed key takes effect. */
  getKey(): Promise<string | null>;
}

export function envKeySource(env: NodeJS.ProcessEnv = process.env): KeySource {
  return { getKey: async () => env.RUNWAYML_API_SECRET?.trim() || null };
}

/** Runway keys look like key_ followed by 128 hex digits. */
export const RUNWAY_KEY_PATTERN = /^key_[0-9a-f]{128}$/;

const KEYISH = /key_[0-9a-zA-Z]{8,}/g;
const BEARER = /Bearer\s+(?!\[redacted)[^\s"',;]+/gi;
const REDACTED = '[redacted key]';

/**
 * Every form a provider might echo a key in: as is, without its `key_` prefix, upper-case hex,
 * URL-encoded (the `_` as %5F), and base64 / base64url of the key or of its hex part.
 */
export function keyForms(secret: string): string[] {
  const bare = secret.replace(/^key_/, '');
  const forms = new Set<string>();
  for (const s of [secret, bare]) {
    forms.add(s);
    forms.add(s.toUpperCase());
    forms.add(encodeURIComponent(s));
    forms.add(s.replace(/_/g, '%5F'));
    forms.add(s.replace(/_/g, '%5f'));
    const encoded = [Buffer.from(s, 'utf8'), ...(/^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0 ? [Buffer.from(s, 'hex')] : [])];
    for (const b of encoded) {
      for (const enc of ['base64', 'base64url'] as const) {
        forms.add(b.toString(enc)); // padded first (longest), then without its '='
        forms.add(b.toString(enc).replace(/=+$/, ''));
      }
    }
  }
  return [...forms].filter((f) => f.length >= 8).sort((a, b) => b.length - a.length);
}

/**
 * Removes the key (in every form keyForms knows, and anything key- or bearer-shaped) from text that may
 * be logged, stored or shown, and any echo of private texts (the prompt) a server put in an error message.
 */
export function redactSecrets(text: string, secrets: readonly string[], privateTexts: readonly (string | undefined)[] = []): string {
  let out = text.replace(BEARER, 'Bearer [redacted]');
  for (const s of secrets) if (s.length >= 8) for (const f of keyForms(s)) out = out.split(f).join(REDACTED);
  for (const p of privateTexts) {
    const t = p?.trim();
    if (t && t.length >= 8) out = out.split(t).join('[prompt]');
  }
  return out.replace(KEYISH, REDACTED);
}
