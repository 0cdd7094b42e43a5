import { ensureDataDir } from './dataDir';
import { join } from 'node:path';
import { CoreEvents } from './coreEvents';
import { SqliteChangeFeed } from './live/sqliteChangeFeed';
import type { ChangeFeed } from './live/changeFeed';
import { PgChangeFeed } from './live/pgChangeFeed';
import { AppError } from '../../shared/errors';
import { Db } from './db/db';
import type { SqlEngine } from './db/engine/sqlEngine';
import { createDispatcher, type Dispatcher } from './dispatch';
import { createHandlers } from './handlers';
import { scopeByRole } from './policy/roleScope';
import { hideOwnerPaths } from './policy/ownerPaths';
import { hideMoneyFromReviewers } from './policy/moneyForRole';
import { AssetLabels } from './policy/assetLabels';
import { CreditLedger } from './money/creditLedger';
import { MoneyService } from './money/moneyService';
import { modelsInUse } from './money/modelsInUse';
import { MoneySettings } from './money/moneySettings';
import { ConfigVersions } from './money/configVersions';
import { PlanRegistry } from './money/planRegistry';
import { findResourcesDir } from './money/resourcesDir';
import { ArtifactChecks } from './media/check/artifactChecks';
import { AutoChecker } from './media/check/autoChecker';
import { Exporter } from './media/export/exporter';
import { bucketShelf, folderShelf, type ExportShelf } from './media/export/exportShelf';
import { FfmpegRunner } from './media/ffmpeg/runner';
import type { FinalsSource } from './media/finals';
import { createMediaResolver, type MediaResolver } from './media/mediaResolver';
import { RetentionSweeper, type ProtectionSource } from './media/retention/retentionSweeper';
import { Stitcher } from './media/stitch/stitcher';
import { MediaStore } from './media/store/mediaStore';
import { createBackend, storeConfigFrom } from './media/store/backend/createBackend';
import type { S3Credentials } from './media/store/backend/s3Backend';
import { ThumbnailService } from './media/thumbs/thumbnailService';
import { defaultWatermarkSpec, resolveResourcesDir } from './media/watermark';
import { WatermarkRegistry } from './media/watermarkRegistry';
import type { Ports } from './ports';
import { ProjectService } from './projects/projectService';
import { ReviewLinks } from './review/reviewLinks';
import { Accounts } from './accounts/accounts';
import { MoneyLimits } from './money/moneyLimits';
import { SpendWebhook } from './money/spendWebhook';
import { recordMemberChanges, scopeByMember } from './accounts/memberScope';
import { ShotService } from './shots/shotService';
import { BoardService } from './board/boardService';
import { Benchmark } from './insight/benchmark/benchmark';
import { CalibrationStore } from './insight/calibrationStore';
import { InsightService } from './insight/insightService';
import { defaultSettings, InsightSettingsStore } from './insight/insightSettings';
import { ProjectSpendNotices } from './insight/projectSpendNotices';
import { Finalizer } from './queue/finalizer';
import { JobQueue } from './queue/jobQueue';
import { JobRepo } from './queue/jobRepo';
import { ResilienceGate } from './queue/providerGate';
import { QueueLock, SharedRunner, type RunnerLock } from './queue/queueLock';
import { migratePg } from './db/pg/pgMigrate';
import { TakeChecks, backoffFor, createProviders, planSettings, pollIntervalFor, queueMedia, queueMoney } from './queue/queueWiring';
import type { LocalSimConfig } from './providers/local/localProvider';
import type { Provider } from './providers/provider';
import { envKeySource, type KeySource } from './providers/runway/keySource';
import { FileKeys } from './security/fileKeys';
import { ProviderSync, type ProviderBooksSource } from './money/providerSync';
import { PromptVault, type SecretKeys } from './security/promptVault';
import { TakeService } from './takes/takeService';
import { takesFinals } from './takes/finalsSource';
import { Publisher } from './takes/publisher';
import { takeProtection } from './takes/takeProtection';
import { DraftService } from './drafts/draftService';
import { Recipes } from './queue/recipes';
import type { ProviderId } from '../../shared/money/params';

export interface CoreConfig {
  dataDir: string;
  appVersion: string;
  /** Validate outputs and event payloads too (dev and test). */
  isStrict: boolean;
  /** A better-sqlite3 binary built for this runtime, when it is not the default one (Electron). */
  sqliteBinding?: string;
  /** The folder with the built-in plans/ and rates/ (default: the repo's or app's resources/). */
  resourcesDir?: string;
  /** ffmpeg / ffprobe to use (default: the binaries.ts fallback chain; Electron passes its bundled ones). */
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Where the prompt key lives: Electron passes a keychain-backed store; default a 0600 file in the data dir. */
  secretKeys?: SecretKeys;
  /** Where the Runway key comes from: Electron passes safeStorage; default RUNWAYML_API_SECRET. */
  runwayKeys?: KeySource;
  /** Local simulator behaviour (queue time, throttling, failures) for tests and demos. */
  localSim?: Partial<LocalSimConfig>;
  /** Providers that replace the built-in ones with the same id (tests, benches). */
  providerOverrides?: Provider[];
  /** Poll interval per provider in ms (default: Runway 5 s as its docs ask, the simulator 100 ms). */
  pollIntervalMs?: Partial<Record<ProviderId, number>>;
  /** Queue lease length in ms (tests shorten it). */
  leaseMs?: number;
  /** Where the preview and release stores live (`--store-url`; default CIRCLETAKE_STORE_URL, else the data dir's folders). */
  storeUrl?: string;
  /** S3 credentials (tests, a studio); default the SDK's chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, …). Never stored. */
  storeCredentials?: S3Credentials;
  /** Size limit of the local cache of remote media (default 5 GiB). */
  mediaCacheBytes?: number;
  /**
   * A studio's PostgreSQL (`--database-url` / CIRCLETAKE_DATABASE_URL, postgres://…): every repository
   * and the queue run there instead of the data dir's SQLite file (openCore). The data dir still holds
   * keys, plans and local media.
   */
  databaseUrl?: string;
}

export interface Core {
  config: CoreConfig;
  ports: Ports;
  /** The data dir's SQLite database; null when the core runs on a studio's PostgreSQL (config.databaseUrl). */
  db: Db | null;
  events: CoreEvents;
  projects: ProjectService;
  /** The storage engine port (SQLite: the same connection as db, with group commit; or PostgreSQL); every repository uses it. */
  engine: SqlEngine;
  /** Plan configs and rate cards (built-in + <dataDir>/plans, <dataDir>/rates), the active plan. */
  plans: PlanRegistry;
  /** The credit ledger: reserve / capture / void, grants, purchases, balances, history. */
  ledger: CreditLedger;
  /** Estimates, quotes, the submit-time money check, plan switching. */
  money: MoneyService;
  shots: ShotService;
  /** The only spawner of ffmpeg/ffprobe (media/ffmpeg/runner.ts). */
  ffmpeg: FfmpegRunner;
  /** The preview and release stores. */
  media: MediaStore;
  /** One-decode-pass clip checker with a worker pool sized to the cores. */
  checker: AutoChecker;
  /** Checks of stored artifacts (report saved per artifact, media.checked emitted). */
  artifactChecks: ArtifactChecks;
  thumbnails: ThumbnailService;
  watermarks: WatermarkRegistry;
  stitcher: Stitcher;
  exporter: Exporter;
  retention: RetentionSweeper;
  /** Media id → file for the media routes (host GET /media/<id>, Electron media-* protocols). */
  resolveMedia: MediaResolver;
  /** Where a member's named export is kept and served from: the exports folder, or a studio's bucket. */
  exportShelf: ExportShelf;
  /** Runway's balance against the books (null without a real Runway provider): readings, provider_sync, usage. */
  providerSync: ProviderSync | null;
  /** Output clips of jobs, with their auto-check verdicts. */
  takes: TakeService;
  /** The job queue: submit, leases, recovery, pacing, retries, dead letters. */
  queue: JobQueue;
  providers: ReadonlyMap<ProviderId, Provider>;
  /** Pacing and provider health (token buckets, circuit breakers, adaptive concurrency). */
  gate: ResilienceGate;
  /** Export and publish a project's finals (release only), marking them Published. */
  publisher: Publisher;
  /** Finalize: the shortlist re-rendered at release spec, after a batch confirmation. */
  finalizer: Finalizer;
  /** Auto-checks of new takes in flight (`idle()` waits for them). */
  takeChecks: TakeChecks;
  /** The review board: tags, comments, shortlist, stages, undo. */
  board: BoardService;
  /** Sensitivity labels on input assets; the submit-time compliance check. */
  labels: AssetLabels;
  /** What it really costs: the dashboards' report, forecast, recommendations, calibration. */
  insight: InsightService;
  /** The quarterly benchmark and its plan-config proposals. */
  benchmark: Benchmark;
  /** Per-project spend thresholds and their notifications. */
  projectSpend: ProjectSpendNotices;
  /** Limits an admin sets (members' monthly budgets and daily caps, projects' daily caps) and spend-notice settings. */
  limits: MoneyLimits;
  /** Spend notices POSTed to the admin's webhook (`settled()` waits for the sends under way). */
  spendWebhook: SpendWebhook;
  /** Review links made in the app (tokens every server on the data dir honours until revoked). */
  reviewLinks: ReviewLinks;
  /** A studio's members, invites, tokens and audit; `authenticate(token)` for the doors. */
  accounts: Accounts;
  /** The draft form as the user left it, per project and shot. */
  drafts: DraftService;
  /** A take's or a job's settings as a draft (reuse, edit & retry). */
  recipes: Recipes;
  /** The absolute file of a take's artifact, or null when it has been swept. */
  takePath(takeId: string): Promise<string | null>;
  /** The finals of a project (its release takes in shot order), for stitch and export. */
  finals: FinalsSource;
  dispatch: Dispatcher;
  dispose(): Promise<void>;
}

export const DB_FILE_NAME = 'circletake.db';

/** A core on the data dir's SQLite file (what createCore makes): `db` is there. */
export type LocalCore = Core & { db: Db };

/** The storage a core runs on: its engine, and what is engine-specific around it. */
interface Storage {
  engine: SqlEngine;
  db: Db | null;
  /** How other processes' events reach this one (SQLite's change table, or PostgreSQL's with LISTEN/NOTIFY). */
  feed: ChangeFeed | null;
  /** Who runs the queue: the data dir's single runner, or any number of studio workers. */
  runner: RunnerLock;
  close(): Promise<void>;
}

/** A core on the data dir's SQLite file. Synchronous: the file opens and migrates at once. */
export function createCore(config: CoreConfig, ports: Ports): LocalCore {
  storeConfigFrom(config.storeUrl); // a bad store URL is refused before anything opens
  if (config.databaseUrl) throw new AppError('INTERNAL', 'createCore opens the data dir\'s SQLite file; a studio database is opened by openCore.');
  ensureDataDir(config.dataDir);
  const db = Db.open({
    file: join(config.dataDir, DB_FILE_NAME),
    logger: ports.logger,
    clock: ports.clock,
    ...(config.sqliteBinding ? { nativeBinding: config.sqliteBinding } : {}),
  });
  // Every process on this data dir hears the others' events through the change feed (electron/core/live).
  const feed = new SqliteChangeFeed({ conn: db.conn, clock: ports.clock, logger: ports.logger, rideAlong: (write) => db.rideAlong(write) });
  const core = assemble(config, ports, { engine: db.engine, db, feed, runner: new QueueLock(config.dataDir), close: () => db.close() });
  return { ...core, db };
}

/**
 * The core every door opens: on a studio's PostgreSQL when config.databaseUrl is set (migrated to this
 * version first; a database from a newer version is refused), otherwise on the data dir's SQLite file.
 */
export async function openCore(config: CoreConfig, ports: Ports): Promise<Core> {
  if (!config.databaseUrl) return createCore(config, ports);
  storeConfigFrom(config.storeUrl);
  ensureDataDir(config.dataDir);
  // pg loads here, on a studio only: a desktop on its SQLite file never pays for it (~30 ms at every start).
  const { PgEngine } = await import('./db/engine/pgEngine');
  const engine = new PgEngine({ url: config.databaseUrl, applicationName: 'circletake' });
  try {
    await migratePg(engine);
  } catch (e) {
    await engine.close();
    throw e;
  }
  // Every process on the studio database hears the others' events (LISTEN/NOTIFY over the change table).
  const feed = new PgChangeFeed({ engine, clock: ports.clock, logger: ports.logger });
  return assemble(config, ports, {
    engine,
    db: null,
    feed,
    runner: new SharedRunner(),
    close: async () => {
      await feed.settled();
      await engine.close();
    },
  });
}

/** Wires every service from config, ports and storage. The only place services are constructed. */
function assemble(config: CoreConfig, ports: Ports, storage: Storage): Core {
  const storeConfig = storeConfigFrom(config.storeUrl);
  const { engine, db } = storage;
  const events = new CoreEvents(ports.logger, config.isStrict, storage.feed);
  const projects = new ProjectService(engine, events, ports.clock, ports.ids);
  const plans = new PlanRegistry({
    builtinDir: config.resourcesDir ?? findResourcesDir(),
    dataDir: config.dataDir,
    clock: ports.clock,
    logger: ports.logger,
    settings: new MoneySettings(engine),
    versions: new ConfigVersions(engine),
  });
  // Opens asynchronously (system accounts, startup audit, the plan applied); every ledger call waits for it.
  const ledger = new CreditLedger({ engine: engine, events, clock: ports.clock, logger: ports.logger, notifier: ports.notifier, plan: () => plans.active().plan, planReady: plans.ready });
  const calibrations = new CalibrationStore(engine, ports.clock);
  const money = new MoneyService({ plans, ledger, events, modelsInUse: () => modelsInUse(engine), calibration: calibrations.lookup });
  const shots = new ShotService(engine, projects, events, ports.clock, ports.ids);
  const mediaResources = resolveResourcesDir(config.resourcesDir);
  const ffmpeg = FfmpegRunner.fromConfig(config, ports.logger);
  const backend = createBackend(storeConfig, ports.logger, config.storeCredentials);
  const media = new MediaStore({
    dataDir: config.dataDir, engine: engine, clock: ports.clock, ids: ports.ids, logger: ports.logger, events,
    ...(backend ? { backend } : {}),
    ...(config.mediaCacheBytes !== undefined ? { cacheBytes: config.mediaCacheBytes } : {}),
  });
  // A member's export: kept in the bucket when the clips are (any studio process serves it), else in the exports folder.
  const exportShelf = media.backend.kind === 's3' ? bucketShelf(media.backend) : folderShelf(join(config.dataDir, 'exports'));
  const checker = new AutoChecker({ runner: ffmpeg, logger: ports.logger, defaultWatermark: defaultWatermarkSpec(mediaResources) });
  const watermarks = new WatermarkRegistry({ engine: engine, dataDir: config.dataDir, clock: ports.clock, resourcesDir: mediaResources });
  const artifactChecks = new ArtifactChecks({ engine: engine, store: media, checker, watermarks, clock: ports.clock, logger: ports.logger, events });
  const thumbnails = new ThumbnailService({ runner: ffmpeg, store: media, logger: ports.logger });
  const stitcher = new Stitcher({ runner: ffmpeg, store: media, logger: ports.logger });
  const exporter = new Exporter({ store: media, clock: ports.clock, logger: ports.logger });
  const takes = new TakeService(engine, events, ports.clock);
  const vault = new PromptVault(config.secretKeys ?? new FileKeys(config.dataDir));
  // The webhook's signing secret is sealed with the install's key, as prompts are (every worker shares it).
  const secrets = { seal: (s: string) => vault.seal({ prompt: s }).toString('base64'), open: (s: string) => vault.open(Buffer.from(s, 'base64')).prompt };
  const limits = new MoneyLimits({ engine, clock: ports.clock, ids: ports.ids, plan: () => plans.active().plan, secrets });
  const spendWebhook = new SpendWebhook({ engine, events, limits, clock: ports.clock, ids: ports.ids, logger: ports.logger });
  const settings = planSettings(plans);
  const gate = new ResilienceGate({ clock: ports.clock, plan: () => plans.active().plan, onBreakerChange: () => void queue.status().then((s) => events.emit('queue.changed', s)) });
  const runwayKeys = config.runwayKeys ?? envKeySource();
  const providers = createProviders({
    dataDir: config.dataDir,
    resourcesDir: mediaResources,
    runner: ffmpeg,
    money,
    ledger,
    ports,
    runwayKeys,
    ...(config.localSim ? { localSim: config.localSim } : {}),
  });
  for (const p of config.providerOverrides ?? []) {
    providers.get(p.id)?.dispose();
    providers.set(p.id, p);
  }
  const runway = providers.get('runway');
  const providerSync =
    runway && !runway.isSimulation && runway.account && 'usage' in runway
      ? new ProviderSync({
          ledger,
          engine: engine,
          settings: new MoneySettings(engine),
          source: runway as Provider & ProviderBooksSource,
          hasKey: async () => (await runwayKeys.getKey()) !== null,
          plan: () => plans.active().plan,
          clock: ports.clock,
          logger: ports.logger,
        })
      : null;
  // Hooks run when a take fails its auto-check (the board tags it needs-fix with the reason).
  const checkFailedHooks: ((takeId: string, reason: string) => Promise<void>)[] = [];
  const jobRows = new JobRepo(engine);
  const takeChecks = new TakeChecks({ takes, jobs: jobRows, artifactChecks, logger: ports.logger, hasWatermark: async (p) => (await watermarks.list()).some((w) => w.provider === p), onFailed: async (id, why) => {
    for (const h of checkFailedHooks) await h(id, why);
  } });
  const labels = new AssetLabels({ engine: engine, projects, clock: ports.clock, plan: () => plans.active().plan });
  const queue: JobQueue = new JobQueue({
    engine: engine,
    projects,
    shots,
    takes,
    providers,
    money: queueMoney(money, ledger, plans),
    media: queueMedia(config.dataDir, media, ffmpeg),
    vault,
    gate,
    events,
    clock: ports.clock,
    ids: ports.ids,
    logger: ports.logger,
    backoff: backoffFor(settings),
    pollIntervalMs: (p) => config.pollIntervalMs?.[p] ?? pollIntervalFor(p),
    onTakeStored: (id) => takeChecks.schedule(id),
    lock: storage.runner,
    tierPlan: () => plans.active().plan,
    ...(providerSync ? { funds: providerSync } : {}),
    policy: labels,
    ...(config.leaseMs ? { leaseMs: config.leaseMs } : {}),
  });
  const board = new BoardService(
    engine,
    {
      shots: (projectId) => shots.list(projectId),
      takes: (projectId, shotId) => takes.list(projectId, shotId),
      take: (id) => takes.get(id),
      jobs: (projectId) => queue.list({ projectId, status: ['queued', 'paused', 'running', 'unknown'], limit: 100_000 }),
    },
    events,
    ports.clock,
    ports.ids,
    ports.logger,
  );
  checkFailedHooks.push((id, why) => board.autoTag(id, why));
  const drafts = new DraftService(engine, { projects, shots, vault, clock: ports.clock });
  const recipes = new Recipes({ repo: queue.repo, vault, takes });
  const finalizer = new Finalizer({ jobs: jobRows, queue, board, takes, shots, money, ledger, vault });
  const finals = takesFinals({ engine: engine, takes, shots, media, board, vault });
  const publisher = new Publisher({ dataDir: config.dataDir, projects, finals, stitcher, exporter, board, events, clock: ports.clock });
  const insight = new InsightService({
    engine: engine, events, clock: ports.clock, logger: ports.logger, ledger, money, plans, calibrations,
    settings: new InsightSettingsStore(engine, defaultSettings(-new Date(ports.clock.now()).getTimezoneOffset())),
    plannedFinals: async (projectId) => {
      const p = await finalizer.plan(projectId);
      return { items: p.items.length, totalCredits: p.totalCredits, pools: p.pools };
    },
  });
  const benchmark = new Benchmark({ engine: engine, dataDir: config.dataDir, queue, providers, money, plans, events, clock: ports.clock, ids: ports.ids, logger: ports.logger });
  const reviewLinks = new ReviewLinks(engine, events, ports.clock, ports.ids);
  const accounts = new Accounts(engine, events, ports.clock, ports.ids);
  const projectSpend = new ProjectSpendNotices({ engine: engine, events, notifier: ports.notifier, clock: ports.clock, logger: ports.logger });
  const takePath = async (takeId: string): Promise<string | null> => {
    const t = await takes.get(takeId);
    if (!t.artifactId) return null;
    const found = await media.resolveFile(t.artifactId, t.artifactClass);
    return found?.file ?? ((await media.resolveObject(t.artifactId, t.artifactClass)) ? media.locationOf(await media.get(t.artifactId)) : null);
  };
  const protection: ProtectionSource = takeProtection({ engine: engine, board });
  const retention = new RetentionSweeper({
    store: media,
    protection,
    clock: ports.clock,
    logger: ports.logger,
    events,
    policy: () => {
      const r = plans.active().plan.retention;
      return { previewDays: r.keep_preview_binaries_days, releaseDays: r.keep_release_binaries_days };
    },
  });

  const partial = {
    config,
    ports,
    db,
    events,
    projects,
    shots,
    plans,
    ledger,
    money,
    ffmpeg,
    media,
    checker,
    artifactChecks,
    thumbnails,
    watermarks,
    stitcher,
    exporter,
    retention,
    resolveMedia: createMediaResolver(media, thumbnails),
    exportShelf,
    takes,
    queue,
    providers,
    providerSync,
    gate,
    takeChecks,
    board,
    labels,
    finalizer,
    engine,
    insight,
    benchmark,
    projectSpend,
    limits,
    spendWebhook,
    reviewLinks,
    accounts,
    drafts,
    recipes,
    takePath,
    finals,
    publisher,
    async dispose() {
      await queue.dispose();
      await providerSync?.dispose();
      await takeChecks.dispose();
      for (const p of providers.values()) p.dispose();
      retention.dispose();
      checker.dispose();
      thumbnails.dispose();
      await ffmpeg.dispose();
      media.dispose();
      projectSpend.dispose();
      await projectSpend.idle();
      ledger.dispose();
      spendWebhook.dispose();
      await spendWebhook.settled();
      plans.dispose();
      events.dispose();
      await storage.close();
    },
  };
  const handlers = scopeByMember(scopeByRole(createHandlers(partial), engine, config.dataDir, exportShelf), accounts);
  const dispatchNow = recordMemberChanges(hideMoneyFromReviewers(createDispatcher(hideOwnerPaths(handlers, config.dataDir), ports.logger, config.isStrict)), accounts, ports.logger);
  // Every call is answered once the plans have been read against the database (the stored version of a
  // broken file, the chosen plan); when none is usable, the calls that price say so and the others work.
  const dispatch: Dispatcher = async (name, input, ctx) => {
    await plans.ready.catch(() => undefined);
    return dispatchNow(name, input, ctx);
  };
  return { ...partial, dispatch };
}
