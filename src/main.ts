// report-bot's entry point (`npm start`). The only place adapters are wired together; each numbered step is one call.
import { config as loadDotenv } from 'dotenv';
import { createBot, type HandledUpdate } from './bot/bot.ts';
import { registerCommands, startPolling, startWebhook, type Running } from './bot/launch.ts';
import { adminComposer } from './bot/admin.ts';
import { FallbackFloodGuard, FloodGuard, StoreFloodGuard } from './bot/flood.ts';
import { inlineComposer } from './bot/inline.ts';
import { inlineMapResult, mapComposer } from './bot/map.ts';
import { startOpsServer, type OpsServer } from './bot/ops-server.ts';
import { FallbackPages, PageCache, StorePages } from './bot/pages.ts';
import { searchComposer } from './bot/search.ts';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { CONSOLE_USAGE, runConsoleChat } from './console/chat.ts';
import { composeDigest, localDateTime } from './core/digest.ts';
import { renderDigestHtml } from './render/digest.ts';
import { htmlToPlain } from './render/replies.ts';
import { MapAssets } from './load-map.ts';
import { createLogger, redact } from './logger.ts';
import { digestComposer } from './bot/digest.ts';
import { livingComposer } from './bot/living.ts';
import { deleteArticle } from './live/folders.ts';
import type { Added } from './live/library.ts';
import type { ArticleMirror } from './live/mirror.ts';
import { ReportSource } from './live/report-source.ts';
import { warmUpInBackground } from './live/warm-up.ts';
import { systemClock } from './digest/clock.ts';
import { makeCompose } from './digest/compose.ts';
import { AlertDispatcher } from './digest/alerts.ts';
import { processOwner, storeLease } from './digest/lease.ts';
import { storeBudget } from './digest/send-budget.ts';
import { BroadcastWorker } from './digest/worker.ts';
import { DigestScheduler } from './digest/scheduler.ts';
import { DigestSender } from './digest/sender.ts';
import { telegramSendApi } from './digest/telegram.ts';
import { createMetrics } from './metrics.ts';
import { StoreOpenError } from './store/open-file.ts';
import { openStore, type OpenedStore } from './store/open.ts';
import { guardStore, StoreOutage, StoreUnavailableError } from './store/outage.ts';
import { ChatTypeSchema } from './store/types.ts';
import { explainStartFailure } from './start-errors.ts';

/** The longest a graceful stop may take; the webhook server's own grace for updates (8 s) fits inside it. */
const STOP_DEADLINE_MS = 10_000;
// How often an instance looks for articles other instances added or withdrew ("every chat sees it within seconds").
const SHARED_ARTICLES_POLL_MS = 2_000;

/** Print a start-up failure for a human and give the exit code. */
function fail(message: string): number {
  process.stderr.write(`report-bot: ${message}\n`);
  return 1;
}

async function main(): Promise<number> {
  // 1. Configuration: .env, then the environment, parsed once; a bad variable stops here, named.
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }

  // 2. Logger: JSON lines on stdout, never the token. Without a token stdout is the terminal chat's conversation
  //    (or a script's answers), so the log goes to stderr there.
  const logger = createLogger({ level: config.logLevel, token: config.token, fd: config.token ? 1 : 2 });

  // 3. The report in service (src/live/report-source.ts): data/report.json (refuse to start when it is missing or
  //    invalid), then the articles added since (data/raw/, $DATA_DIR/articles/, `npm run add`, admins), all through one
  //    library that swaps report and engine whole; at step 5b, what other instances added (the store's shared list).
  // Set at step 11, once the sender exists: articles taken in at start-up alert nobody (they may be days old).
  let alerts: AlertDispatcher | null = null;
  // Set at step 5b, once the store is open: every article taken in here goes on the store's shared list, so the
  // other instances take it in too; the instance that puts it there first sends its alerts.
  let mirror: ArticleMirror | null = null;
  const unpublished: Added[] = [];
  // Earlier versions replaced by corrections, to take off the shared list once the store is open.
  const retired: string[] = [];
  const onAdded = (added: Added) => {
    // A correction replaced an earlier version: that version's file goes (here), and its entry on the shared list
    // (by the instance that took the correction in first).
    const old = added.replaced && added.replaced.source !== added.article.source ? added.replaced.source : null;
    if (old) deleteArticle(config.dataDir, old);
    if (added.origin === 'shared') return;
    if (old) retired.push(old);
    if (!mirror) {
      unpublished.push(added);
      return;
    }
    const at = added.article.addedAt ? Date.parse(added.article.addedAt) : systemClock.now();
    for (const source of retired.splice(0)) mirror.retire(source, at).catch((err: unknown) => logger.warn({ err, file: source }, 'could not take the replaced version off the shared list'));
    mirror.publish(added.article.source, added.text, at).then(
      (first) => {
        if (first) void alerts?.articleAdded(added.article.id);
        else logger.info({ article: added.article.id }, 'article already on the shared list: another instance sends its alerts');
      },
      (err: unknown) => {
        // Without the list this instance is on its own: it alerts, as a single instance would.
        logger.warn({ err, article: added.article.id }, 'could not put the article on the shared list; other instances will not see it until it is');
        void alerts?.articleAdded(added.article.id);
      },
    );
  };
  let inService: ReportSource;
  try {
    const onError = (err: unknown, command: string, query: string) => logger.error({ err, command, query }, 'search engine bug; the user got a generic answer');
    inService = ReportSource.open({ reportPath: config.reportPath, stateDir: config.dataDir, engine: { onError }, onAdded, timezone: config.digest.timezone });
  } catch (err) {
    return fail((err as Error).message);
  }
  const library = inService.library;
  const syncFolders = (why: string) => {
    try {
      const { added, refused } = inService.syncFolders();
      for (const a of added) logger.info({ article: a.article.id, sections: a.sections.length, warnings: a.warnings.length, swap_ms: Math.round(a.swapMs), why }, 'article added');
      for (const r of refused) logger.warn({ file: r.source, reason: r.reason, why }, 'article refused; the report in service is unchanged');
    } catch (err) {
      logger.error({ err, why }, 'could not take in new articles; the report in service is unchanged');
    }
  };
  syncFolders('start');
  const stopWatching = inService.watch(() => syncFolders('folder changed'), (dir, err) => logger.warn({ err, dir }, 'not watching this folder for new articles (a restart still picks them up)'));
  // Handlers read the report and engine through these getters: each read is the snapshot in service then.
  const live = {
    get report() { return library.current().report; },
    get engine() { return library.current().engine; },
  };

  // 4. No token: chat in the terminal with the same commands, then exit.
  if (!config.token) {
    const digestPreview = () => {
      // The terminal is one chat with no history: today's digest as Telegram would show it, as text.
      const date = localDateTime(systemClock.now(), config.digest.timezone).date;
      const digest = composeDigest(live.report, { chatId: 0, date, filter: null, history: [] });
      return digest ? htmlToPlain(renderDigestHtml(digest)) : '报道中没有可以做成摘要的内容。';
    };
    // At a terminal, the answering code warms up while the user types (a piped script is answered and gone first).
    const warming = process.stdin.isTTY ? warmUpInBackground(live.engine, live.report) : null;
    const answered = await runConsoleChat({ get engine() { return live.engine; }, get report() { return live.report; }, input: process.stdin, output: process.stdout, digestPreview, lastAddedAt: () => library.current().lastAddedAt, timezone: config.digest.timezone });
    warming?.stop();
    stopWatching();
    // No terminal and nothing read (`npm start </dev/null`, a service started without its token): say how to use it
    // rather than exit in silence, and fail, since nothing was done.
    if (answered === 0 && !process.stdin.isTTY) return fail(CONSOLE_USAGE);
    return 0;
  }

  // 5. Store: PostgreSQL with DATABASE_URL (shared by every instance), else SQLite in DATA_DIR; migrated on start.
  let opened: OpenedStore;
  try {
    opened = await openStore(config, (err) => logger.warn({ err }, 'database connection error; it will reconnect'));
  } catch (err) {
    // A StoreOpenError already names DATA_DIR, the file or DATABASE_URL (without its password) and says what to do.
    return fail(err instanceof StoreOpenError ? err.message : (err as Error).message);
  }

  const shared = opened.kind === 'postgres';
  // 5a. A PostgreSQL outage: searching goes on from memory, flood control and page buttons use this instance's
  //     memory, usage counts are dropped, subscription commands say the service is unavailable; a probe every 2 s
  //     brings the database back (migrating it again if it was recreated empty), no restart needed.
  const outage = opened.kind === 'postgres'
    ? new StoreOutage(opened.store, {
      onChange: (state, err) => {
        if (state === 'down') logger.error({ err }, 'database unreachable: answering from memory; flood control and page buttons use this instance\'s memory, usage counts are dropped, subscription commands are unavailable until it is back');
        else logger.info('database reachable again: flood control, page buttons, usage counts and subscriptions use it again');
      },
    })
    : null;
  const store = outage ? guardStore(opened.store, outage) : opened.store;
  /** While the database is down, flood control and pages in this instance's memory; the shared store otherwise. */
  const floodCounter = (name: string, limit?: number) => {
    const memory = new FloodGuard(limit ? { limit } : {});
    if (!shared) return memory;
    const counter = new StoreFloodGuard(store, name, limit ? { limit } : {});
    return outage ? new FallbackFloodGuard(counter, memory, outage) : counter;
  };

  // 5b. The shared list of added articles: take in what other instances added (and out what they withdrew), then
  //     put on it what this one took in at start; poll it every few seconds from now on.
  const articleMirror = inService.follow(store, {
    forget: (source) => deleteArticle(config.dataDir, source),
    onChange: (c) => {
      if (c.kind === 'added') logger.info({ article: c.added.article.id, sections: c.added.sections.length, swap_ms: Math.round(c.added.swapMs) }, 'article added by another instance');
      else if (c.kind === 'removed') logger.info({ file: c.source }, 'article withdrawn by another instance');
      else logger.warn({ file: c.source, reason: c.reason }, 'article from another instance refused; the report in service is unchanged');
    },
  });
  // During an outage the failure is the outage's own log line, not one every 2 s.
  const pullShared = (why: string) => articleMirror.pull().catch((err: unknown) => logger[err instanceof StoreUnavailableError ? 'debug' : 'warn']({ err, why }, 'could not read the shared list of articles; will try again'));
  await pullShared('start');
  mirror = articleMirror;
  for (const source of retired.splice(0)) await articleMirror.retire(source, systemClock.now()).catch((err: unknown) => logger.warn({ err, file: source }, 'could not take the replaced version off the shared list'));
  for (const added of unpublished.splice(0)) {
    if (!library.has(added.article.source)) continue;
    await articleMirror.publish(added.article.source, added.text, added.article.addedAt ? Date.parse(added.article.addedAt) : systemClock.now()).catch((err: unknown) => logger.warn({ err, article: added.article.id }, 'could not put the article on the shared list'));
  }
  const sharedPoll = setInterval(() => void pullShared('poll'), SHARED_ARTICLES_POLL_MS);
  sharedPoll.unref();

  // 6. Metrics for GET /metrics; counted per process (Prometheus scrapes each instance).
  const metrics = createMetrics();
  const reportMetrics = () => metrics.report({ articles: live.report.articles.length, sections: live.report.sections.length });
  reportMetrics();
  const onUpdate = (u: HandledUpdate) => {
    metrics.update(u);
    const chatType = ChatTypeSchema.safeParse(u.chat?.type);
    if (!u.chat || !chatType.success || u.ignored) return;
    // Usage counts for /stats: after the answer, never holding it up; a failure costs a count, not a reply, and
    // during a database outage counts are dropped at once (never queued to be retried).
    if (outage?.down) return;
    const now = systemClock.now();
    store.recordUse({ chatId: u.chat.id, chatType: chatType.data, command: u.command, date: localDateTime(now, config.digest.timezone).date, at: now })
      .catch((err: unknown) => logger[err instanceof StoreUnavailableError ? 'debug' : 'warn']({ err }, 'could not record usage for /stats'));
  };

  // 6b. The district map (/map): its renderer loads in the background (step 10b); without it /map answers in text.
  //     Its pictures' file_ids live in the store, so each is uploaded once for every instance.
  const map = new MapAssets('data', logger);
  const mapFiles = { get report() { return live.report; }, districts: map.districts, renderVersion: map.renderVersion, files: store };

  // 7. The bot: shared middleware (errors, gate, flood control), then one composer per feature (inline mode:
  //    `@ThisBot 潼南`). Pages live in the store so any instance can turn them; with a shared store flood control
  //    counts across instances too; during a database outage pages fall back to the instance's memory.
  const pages = outage ? new FallbackPages(new StorePages(store), new PageCache(), outage) : new StorePages(store);
  const bot = createBot({
    token: config.token,
    apiRoot: config.apiRoot,
    logger,
    onUpdate,
    flood: floodCounter('msg'),
    buttonFlood: floodCounter('btn'),
    inlineFlood: floodCounter('inl', 12),
    features: [
      adminComposer({ store, admins: config.botAdmins, now: () => systemClock.now(), timezone: config.digest.timezone, logger }),
      livingComposer({ library, admins: config.botAdmins, needsPreview: config.addNeedsPreview, dataDir: config.dataDir, timezone: config.digest.timezone, logger, now: () => systemClock.now(), undoStore: store, withdraw: (id, source) => articleMirror.withdraw(id, source, systemClock.now()) }),
      digestComposer({ store, get report() { return live.report; }, resolveFilter: (q) => live.engine.resolveFilter(q), now: () => systemClock.now(), defaultMinutes: config.digest.defaultMinutes, timezone: config.digest.timezone, logger }),
      mapComposer({ get report() { return live.report; }, get engine() { return live.engine; }, districts: map.districts, renderVersion: map.renderVersion, files: store, render: (spec) => map.render(spec), pages, logger, now: () => systemClock.now() }),
      searchComposer({ get engine() { return live.engine; }, get report() { return live.report; }, pages, logger }),
      inlineComposer({ get engine() { return live.engine; }, get report() { return live.report; }, logger, extraStartingPoints: async () => { const r = await inlineMapResult(mapFiles); return r ? [r] : []; } }),
    ],
  });

  // 8. Command menu in English and Chinese; a failure is logged and the bot goes on.
  await registerCommands(bot, logger);

  // 9. Signals are caught from here on: one that arrives while starting stops the bot once it has started
  //    (a second one exits at once), so a supervisor's SIGTERM is never met by the default, abrupt exit.
  let onSignal = (signal: string) => { if (pendingSignal) process.exit(1); pendingSignal = signal; };
  let pendingSignal: string | null = null;
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  // 10. Updates: a webhook when WEBHOOK_URL is set (with /healthz and /metrics), long polling otherwise (with
  //     /healthz and /metrics on a small server when PORT is set).
  // During a PostgreSQL outage the bot still answers: /healthz stays 200 (`degraded: database unreachable`) so a
  // load balancer keeps it; a failed check starts the outage (and its probe) like a failed call.
  const health = async () => {
    if (live.report.sections.length === 0) return 'report';
    if (outage?.down) return null;
    if (await store.answers()) return null;
    if (!outage) return 'store';
    outage.failed(new StoreUnavailableError('the health check could not read the database'));
    return null;
  };
  const degraded = () => (outage?.down ? 'database unreachable' : null);
  // The report's size is read at each scrape: articles added while running count at once.
  const metricsEndpoint = { contentType: metrics.registry.contentType, metrics: () => { reportMetrics(); return metrics.registry.metrics(); } };
  let running: Running;
  let ops: OpsServer | null = null;
  try {
    if (config.webhook) running = await startWebhook(bot, { ...config.webhook, port: config.port, host: config.host, health, degraded, metrics: metricsEndpoint }, logger);
    else {
      if (config.opsServer) ops = await startOpsServer({ port: config.port, host: config.host, metrics: metricsEndpoint, health, degraded, logger });
      running = await startPolling(bot, logger);
    }
  } catch (err) {
    logger.fatal({ err }, 'could not start the bot');
    await ops?.stop();
    await store.close();
    // Named by the variable to change (PORT, HOST, TELEGRAM_API_ROOT, TELEGRAM_BOT_TOKEN), never by a secret.
    return fail(redact(explainStartFailure(err, { port: config.port, host: config.host, apiRoot: config.apiRoot }), config.token));
  }

  // 10b. The map renderer loaded, and one map drawn and thrown away, once the bot is taking updates: the first /map
  //      is then drawn at full speed.
  setImmediate(() => void map.warm(live.report));
  // 10c. The answering code compiled by V8 before users ask: a few thousand answers to queries made from the report,
  //      a few milliseconds at a time (core/warm-up.ts); a fresh process otherwise answers its first thousands in
  //      milliseconds rather than tenths of one.
  const warming = warmUpInBackground(live.engine, live.report);
  void warming.done.then((w) => logger.debug({ answers: w.answers, ms: Math.round(w.ms) }, 'answering warmed up'));

  // 11. Digest scheduler: wakes every minute; the first tick now catches up after downtime. On SQLite one sender
  //     at a time holds the lease; on PostgreSQL every instance sends the chats it claims, within a shared budget.
  const owner = processOwner();
  const sender = new DigestSender({
    store,
    api: telegramSendApi(bot.telegram, { paid: config.digest.paidBroadcast }),
    compose: makeCompose(() => live.report, store),
    clock: systemClock,
    limits: config.digest.limits,
    ...(opened.broadcast ? { budget: storeBudget(opened.broadcast, config.digest.limits, owner) } : { lease: storeLease(store, systemClock) }),
    onEvent: (e) => {
      metrics.digest(e);
      logger[e.type === 'sent' || e.type === 'skipped' ? 'debug' : 'warn'](e, `digest ${e.type}`);
    },
    onThrottle: (cause, ms) => metrics.throttle(cause, ms),
  });
  const scheduler = new DigestScheduler({
    store,
    sender,
    clock: systemClock,
    ...(opened.broadcast ? { worker: new BroadcastWorker({ queue: opened.broadcast, store, sender, clock: systemClock, owner }) } : {}),
    onRun: (summary, jobs) => logger.info({ jobs, ...summary }, 'digest run'),
    onError: (err) => logger.error({ err }, 'digest run failed'),
  });
  scheduler.start();
  void scheduler.tick();
  // 11b. Alerts: an article added from now on queues a short message to each matching chat with alerts on, sent by
  //      the same sender (ledger, limits) in a run of its own between the scheduler's.
  alerts = new AlertDispatcher({
    store,
    sender,
    report: () => live.report,
    onRun: (articles, jobs, summary) => logger.info({ articles, jobs, ...summary }, 'alert run'),
    onError: (err) => logger.error({ err }, 'alert run failed'),
  });

  // 12. Graceful stop: stop taking updates, finish those in flight, exit 0. A second signal exits at once;
  //     updates failing on their own (another instance polling, the webhook server dying) exit 1.
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string, code: number) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ reason }, 'stopping');
      // A Bot API call that never answers must not hold the stop for ever: after 10 s exit 1 anyway (a digest
      // left `pending` is resent once on the next start, as after a crash).
      setTimeout(() => { logger.error({ reason }, 'could not stop within 10 s; exiting'); process.exit(1); }, STOP_DEADLINE_MS).unref();
      // The digest in flight finishes and is recorded before the store closes.
      alerts?.stop();
      warming.stop();
      outage?.stop();
      clearInterval(sharedPoll);
      Promise.all([running.stop(reason), scheduler.stop(), ops?.stop()]).then(
        () => { stopWatching(); return store.close(); },
      ).then(
        () => { logger.info('stopped'); resolve(code); },
        (err: unknown) => { logger.error({ err }, 'error while stopping'); resolve(1); },
      );
    };
    onSignal = (signal) => stop(signal, 0);
    if (pendingSignal) stop(pendingSignal, 0);
    void running.failed.then(() => stop('updates stopped', 1));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Lingering sockets (keep-alive agents) must not keep a stopped bot alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`report-bot: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
