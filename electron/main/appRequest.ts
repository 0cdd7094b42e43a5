import { extname, join, relative, resolve } from 'node:path';
import { contentSecurityPolicy } from './security';

/**
 * The app:// scheme's decisions, free of Electron so they are tested under Node: which file of the
 * built renderer a URL names (never one outside it), and the headers every response carries — the
 * CSP as a header, never a meta tag.
 */
/** The custom schemes: standard and secure, fetch and streaming where media needs them; never bypassCSP. */
export const PRIVILEGED_SCHEMES = [
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'media-preview', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  { scheme: 'media-release', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
] as const;

export function appFileFor(rendererDir: string, url: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(url).pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (extname(rel) === '') rel = 'index.html';
  const root = resolve(rendererDir);
  const full = resolve(join(root, rel));
  const r = relative(root, full);
  if (r === '' || r.startsWith('..') || resolve(root, r) !== full) return null;
  return full;
}

export function appResponseHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}
