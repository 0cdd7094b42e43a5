import { app, BrowserWindow, dialog, Notification, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/createCore';
import { createIds, createStderrLogger, systemClock } from '../core/nodePorts';
import type { Ports } from '../core/ports';
import { handleAppProtocol, registerSchemes } from './appProtocol';
import { keychainPorts } from './keychain';
import { handleMediaProtocols } from './mediaProtocol';
import { IDLE, onJobChanged } from './batchProgress';
import { registerIpc } from './ipc';
import { serveReviewsOnDemand } from './reviewServer';
import { APP_ORIGIN, contentSecurityPolicy, hardenSession, hardenWindow } from './security';

// The Electron composition root: ports implemented with Electron, then core, IPC and the window.
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
let core: Core | undefined;
let stopReviews: (() => Promise<void>) | undefined;

function electronPorts(): Ports {
  return {
    clock: systemClock,
    ids: createIds(systemClock),
    logger: createStderrLogger(process.env.CIRCLETAKE_LOG_LEVEL === 'debug' ? 'debug' : 'info'),
    notifier: {
      notify: (title, body) => {
        if (Notification.isSupported()) new Notification({ title, body }).show();
      },
    },
    dialogs: {
      // The export's folder picker: a native dialog on the focused window.
      pickFolder: async (title) => {
        const opts = { title, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
        const win = BrowserWindow.getFocusedWindow();
        const r = await (win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts));
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
    },
  };
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Circle Take',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click would open links in new windows; no window opens anyway (hardenWindow), and no click should try.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  hardenWindow(win, devServerUrl);
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Every renderer sandboxed, whatever its webPreferences say (checklist item 4).
  app.enableSandbox();
  registerSchemes();
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    if (devServerUrl) {
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devServerUrl)] } });
      });
    }
    handleAppProtocol(join(import.meta.dirname, '../renderer'));
    const ports = electronPorts();
    const dataDir = process.env.CIRCLETAKE_DATA_DIR ?? app.getPath('userData');
    try {
      // The prompt key and the Runway key in the OS keychain (safeStorage), or loud fallbacks where it protects nothing.
      const keys = await keychainPorts({ dataDir, safe: safeStorage, logger: ports.logger });
      core = createCore(
        {
          dataDir,
          appVersion: app.getVersion(),
          isStrict: !app.isPackaged,
          secretKeys: keys.secretKeys,
          runwayKeys: keys.runwayKeys,
          ...(process.env.CIRCLETAKE_SQLITE_BINDING ? { sqliteBinding: process.env.CIRCLETAKE_SQLITE_BINDING } : {}),
        },
        ports,
      );
    } catch (e) {
      ports.logger.log('error', 'Circle Take could not start', { error: (e as Error).message });
      dialog.showErrorBox('Circle Take could not start', (e as Error).message);
      app.quit();
      return;
    }
    registerIpc(core, devServerUrl);
    stopReviews = serveReviewsOnDemand(core, join(import.meta.dirname, '../renderer'));
    core.queue.start();
    core.retention.startDaily();
    handleMediaProtocols(core.resolveMedia);
    // Running work shows in the taskbar; the end of a batch raises an OS notification.
    let batch = IDLE;
    const notifyBatch = core.ports.notifier;
    core.events.subscribe((name, payload) => {
      if (name !== 'jobs.changed') return;
      const u = onJobChanged(batch, (payload as { job: { id: string; status: string } }).job);
      batch = u.state;
      for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.setProgressBar(u.progress);
      if (u.notice) notifyBatch.notify(u.notice.title, u.notice.body);
    });
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void stopReviews?.();
    void core?.dispose();
  });
}
