import { AppError } from '../../shared/errors';
import type { Core } from './createCore';
import type { Handlers } from './dispatch';
import { exportHandlers } from './media/export/exportHandlers';
import { mediaToolStatus } from './media/ffmpeg/binaries';
import { createMediaHandlers } from './media/mediaHandlers';
import { probeStore } from './media/store/probeStore';
import { createMoneyHandlers } from './money/moneyHandlers';
import { createLimitsHandlers } from './money/limitsHandlers';
import { queueHandlers } from './queue/queueHandlers';
import { boardHandlers } from './board/boardHandlers';
import { insightHandlers } from './insight/insightHandlers';
import { usageHandlers } from './usage/usageHandlers';
import { labelHandlers } from './policy/labelHandlers';
import { reviewHandlers } from './review/reviewHandlers';
import { accountHandlers } from './accounts/accountHandlers';

/** system.*: what this install is, the tools it uses (doctor), and the window's folder picker. */
function systemHandlers(core: Pick<Core, 'config' | 'db' | 'engine' | 'ports' | 'media'>): Pick<Handlers, 'system.info' | 'system.doctor' | 'system.pickFolder' | 'system.connection' | 'system.connect' | 'system.saveExport'> {
  return {
    // The core answers for itself (a browser host, a studio's page, the CLI); the desktop app's main answers both itself.
    'system.connection': async (_input, ctx) => ({
      mode: core.engine.name === 'postgres' ? 'studio' : 'local',
      studio: null,
      // A studio member (a review link is not one: it has a name, not an account).
      member: ctx.memberId ? { id: ctx.memberId, name: ctx.author ?? ctx.role, role: ctx.role } : null,
      canSwitch: false,
    }),
    'system.saveExport': async () => {
      throw new AppError('VALIDATION', 'Only the desktop app connected to a studio saves an export to its computer: in a browser, use the export\'s download links; on this machine, export straight into a folder.', { field: 'name' });
    },
    'system.connect': async () => {
      throw new AppError('VALIDATION', 'Only the desktop app connects to a studio or back: this page is served by its own Circle Take, which stays where it is. Open the app to switch.', { field: 'mode' });
    },
    'system.doctor': async () => {
      // From the engine itself: which one, its server's version and the schema version in the database (#16 item 5).
      const info = await core.engine.info();
      return {
        binaries: core.ports.tools?.() ?? [mediaToolStatus('ffmpeg'), mediaToolStatus('ffprobe')],
        dataDir: core.config.dataDir,
        database: { engine: info.engine, serverVersion: info.serverVersion, schemaVersion: info.schemaVersion, where: info.where, file: core.db?.file ?? info.where, version: info.schemaVersion },
        store: await probeStore(core.media),
      };
    },
    'system.info': async (_input, ctx) => {
      // A studio's PostgreSQL has no file: its host:port/database stands in (never a password).
      const info = core.db ? { file: core.db.file, version: core.db.version } : await core.engine.info().then((i) => ({ file: i.where, version: i.schemaVersion }));
      return { appVersion: core.config.appVersion, door: ctx.door, dataDir: core.config.dataDir, dbVersion: info.version, dbFile: info.file };
    },
    'system.pickFolder': async ({ title }) => {
      const dialogs = core.ports.dialogs;
      if (!dialogs) throw new AppError('VALIDATION', 'There is no folder picker here (only in the app window): type the full path of the folder.', { field: 'title' });
      return { dir: await dialogs.pickFolder(title ?? 'Choose a folder') };
    },
  };
}

/** projects.* and shots.*: thin calls into their services. */
function projectHandlers(core: Pick<Core, 'projects' | 'shots'>): Pick<Handlers, 'projects.list' | 'projects.create' | 'projects.rename' | 'projects.delete' | 'shots.list' | 'shots.create' | 'shots.rename' | 'shots.move' | 'shots.delete'> {
  return {
    'projects.list': () => core.projects.list(),
    'projects.create': ({ name }) => core.projects.create(name),
    'projects.rename': ({ id, name }) => core.projects.rename(id, name),
    'projects.delete': ({ id }) => core.projects.delete(id),
    'shots.list': ({ projectId }) => core.shots.list(projectId),
    'shots.create': ({ projectId, name }) => core.shots.create(projectId, name),
    'shots.rename': ({ id, name }) => core.shots.rename(id, name),
    'shots.move': ({ id, position }) => core.shots.move(id, position),
    'shots.delete': ({ id }) => core.shots.delete(id),
  };
}

/** drafts.* and the recipes of takes and jobs. */
function draftHandlers(core: Pick<Core, 'drafts' | 'recipes'>): Pick<Handlers, 'drafts.list' | 'drafts.save' | 'takes.recipe' | 'jobs.recipe'> {
  return {
    'drafts.list': ({ projectId }) => core.drafts.list(projectId),
    'drafts.save': (input) => core.drafts.save(input),
    'takes.recipe': ({ id }) => core.recipes.ofTake(id),
    'jobs.recipe': ({ id }) => core.recipes.ofJob(id),
  };
}

/**
 * The contract's handler table. Each domain's factory takes only the services it uses (a Pick of Core),
 * so a handler's signature says what it may touch; only this function sees the whole core.
 */
export function createHandlers(core: Omit<Core, 'dispatch'>): Handlers {
  return {
    ...systemHandlers(core),
    ...projectHandlers(core),
    ...createMoneyHandlers(core),
    ...createLimitsHandlers(core),
    ...createMediaHandlers(core),
    ...queueHandlers(core),
    ...exportHandlers(core),
    ...boardHandlers(core),
    ...insightHandlers(core),
    ...usageHandlers(core),
    ...labelHandlers(core),
    ...reviewHandlers(core),
    ...draftHandlers(core),
    ...accountHandlers(core),
  };
}
