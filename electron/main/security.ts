import type { BrowserWindow, Session, WebFrameMain } from 'electron';

export const APP_ORIGIN = 'app://renderer';

/** The CSP the renderer runs under, sent as a response header (never a meta tag). */
export function contentSecurityPolicy(devServerUrl?: string): string {
  const dev = devServerUrl ? ` ${new URL(devServerUrl).origin} ws://${new URL(devServerUrl).host}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${dev}`,
    `style-src 'self'${dev}`,
    "img-src 'self' media-preview: media-release: data: blob:",
    "media-src 'self' media-preview: media-release: blob:",
    `connect-src 'self'${dev}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** True when an IPC call comes from our own renderer's top frame. */
export function isTrustedSender(frame: WebFrameMain | null | undefined, devServerUrl?: string): boolean {
  if (!frame) return false;
  try {
    const origin = new URL(frame.url).origin;
    if (frame.url.startsWith(`${APP_ORIGIN}/`)) return true;
    return devServerUrl !== undefined && origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}

/** Denies every permission request, navigation away from the app and new windows. */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export function hardenWindow(win: BrowserWindow, devServerUrl?: string): void {
  const allowed = (url: string) => url.startsWith(`${APP_ORIGIN}/`) || (devServerUrl !== undefined && url.startsWith(devServerUrl));
  win.webContents.on('will-navigate', (event, url) => {
    if (!allowed(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!allowed(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
}
