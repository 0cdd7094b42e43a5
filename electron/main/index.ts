import { app, BrowserWindow, Notification, session } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/createCore';
import { createIds, createStderrLogger, systemClock } from '../core/nodePorts';
import type { Ports } from '../core/ports';
import { handleAppProtocol, registerSchemes } from './appProtocol';
import { handleMediaProtocols } from './mediaProtocol';
import { registerIpc } from './ipc';
import { APP_ORIGIN, contentSecurityPolicy, hardenSession, hardenWindow } from './security';

// The Electron composition root: ports implemented with Electron, then core, IPC and the window.
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
let core: Core | undefined;

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
  registerSchemes();
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    if (devServerUrl) {
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(devServerUrl)] } });
      });
    }
    handleAppProtocol(join(import.meta.dirname, '../renderer'));
    core = createCore(
      {
        dataDir: process.env.CIRCLETAKE_DATA_DIR ?? app.getPath('userData'),
        appVersion: app.getVersion(),
        isStrict: !app.isPackaged,
        ...(process.env.CIRCLETAKE_SQLITE_BINDING ? { sqliteBinding: process.env.CIRCLETAKE_SQLITE_BINDING } : {}),
      },
      electronPorts(),
    );
    registerIpc(core, devServerUrl);
    core.queue.start();
    core.retention.startDaily();
    handleMediaProtocols(core.resolveMedia);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    void core?.dispose();
  });
}
