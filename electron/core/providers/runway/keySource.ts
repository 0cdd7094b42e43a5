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
const BEARER = /Bearer\s+[^\s"',;]+/gi;

/**
 * Removes the key (and anything key- or bearer-shaped) from text that may be logged or shown, and
 * any echo of private texts (the prompt) a server put in an error message.
 */
export function redactSecrets(text: string, secrets: readonly string[], privateTexts: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted key]');
  for (const p of privateTexts) {
    const t = p?.trim();
    if (t && t.length >= 8) out = out.split(t).join('[prompt]');
  }
  return out.replace(BEARER, 'Bearer [redacted]').replace(KEYISH, '[redacted key]');
}
