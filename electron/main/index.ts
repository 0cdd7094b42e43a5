import { app, BrowserWindow, dialog, Notification, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { createStderrLogger } from '../core/nodePorts';
import type { Logger } from '../core/ports';
import { handleAppProtocol, registerSchemes } from './appProtocol';
import type { MainServices } from './coreClient';
import type { CoreTransport } from '../host/coreTransport';
import { keychainPorts } from './keychain';
import { handleMediaProtocols } from './mediaProtocol';
import { registerIpc, type MainAnswers } from './ipc';
import { ConnectionManager } from './connection';
import { StudioConnection } from './studioConnection';
import { APP_ORIGIN, contentSecurityPolicy, hardenSession, hardenWindow } from './security';
import { StudioTransport } from '../host/studioTransport';
import { SupervisedCore } from './supervisedCore';
import { spawnUtilityCore } from './utilityCore';

// The Electron composition root: windows, protocols and IPC. It hosts no core: local mode runs the core
// in a utilityProcess (electron/utility), and main relays contract calls, events and media through a
// CoreTransport (coreTransport.ts); remote mode relays to a studio through the same seam (studioTransport.ts).
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const logLevel = process.env.CIRCLETAKE_LOG_LEVEL === 'debug' ? 'debug' : 'info';
let transport: CoreTransport | undefined;
let answers: MainAnswers | undefined;

/** The export's folder picker: a native dialog on the focused window (null: cancelled). */
async function pickFolderDialog(title: string): Promise<string | null> {
  const opts = { title, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
  const win = BrowserWindow.getFocusedWindow();
  const r = await (win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts));
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

/** What only Electron main can do for the core: OS notifications, the folder picker, the keychain's Runway key, the taskbar. */
function mainServices(runwayKey: () => Promise<string | null>): MainServices {
  return {
    runwayKey,
    notify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    pickFolder: pickFolderDialog,
    progress: (value) => {
      for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.setProgressBar(value);
    },
  };
}

/** Local mode: the core in a utilityProcess (off main's thread). */
async function startLocalCore(dataDir: string, logger: Logger, keys: Awaited<ReturnType<typeof keychainPorts>>): Promise<CoreTransport> {
  return SupervisedCore.start({
    spawn: () => spawnUtilityCore(join(import.meta.dirname, 'core.js')),
    config: {
      dataDir,
      appVersion: app.getVersion(),
      isStrict: !app.isPackaged,
      ...(process.env.CIRCLETAKE_SQLITE_BINDING ? { sqliteBinding: process.env.CIRCLETAKE_SQLITE_BINDING } : {}),
      // Only keys the keychain unsealed cross over; otherwise the core reads its own 0600 key file.
      ...(keys.state.isUsable ? { secretKeysHex: { prompt: keys.secretKeys.key('prompt').toString('hex') } } : {}),
      runwayKeyFromMain: true,
      hasDialogs: true,
      rendererDir: join(import.meta.dirname, '../renderer'),
      logLevel,
    },
    services: mainServices(() => keys.runwayKeys.getKey()),
    logger,
  });
}

/**
 * Where the windows' calls go: the local core, or a studio — the saved one ("Connect to a studio" in the
 * app), or CIRCLETAKE_STUDIO_URL with the member's token in CIRCLETAKE_STUDIO_TOKEN (fixed for this run).
 * The renderer cannot tell them apart; main answers `system.connection` / `system.connect` itself.
 */
async function startConnection(dataDir: string, logger: Logger): Promise<{ transport: CoreTransport; answers?: MainAnswers }> {
  const studioUrl = process.env.CIRCLETAKE_STUDIO_URL;
  if (studioUrl) {
    logger.log('info', 'remote mode: relaying to a studio', { studio: new URL(studioUrl).origin });
    return { transport: StudioTransport.start({ url: studioUrl, token: process.env.CIRCLETAKE_STUDIO_TOKEN ?? '' }) };
  }
  // The prompt key and the Runway key in the OS keychain (safeStorage, main only), or loud fallbacks where it protects nothing.
  const keys = await keychainPorts({ dataDir, safe: safeStorage, logger });
  const store = new StudioConnection({ dataDir, safe: safeStorage, keychainUsable: keys.state.isUsable, logger });
  const connection = await ConnectionManager.start({ store, startLocal: () => startLocalCore(dataDir, logger, keys), logger, pickFolder: pickFolderDialog });
  return { transport: connection.transport, answers: (name, input) => connection.answer(name, input) };
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
    const logger = createStderrLogger(logLevel);
    const dataDir = process.env.CIRCLETAKE_DATA_DIR ?? app.getPath('userData');
    try {
      const started = await startConnection(dataDir, logger);
      transport = started.transport;
      answers = started.answers;
    } catch (e) {
      logger.log('error', 'Circle Take could not start', { error: (e as Error).message });
      dialog.showErrorBox('Circle Take could not start', (e as Error).message);
      app.quit();
      return;
    }
    registerIpc(transport, logger, devServerUrl, answers);
    handleMediaProtocols(transport);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quit waits (bounded, SupervisedCore's disposeTimeoutMs) for the core to dispose itself in its process.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting || !transport) return;
    quitting = true;
    event.preventDefault();
    void transport.dispose().finally(() => app.quit());
  });
}
