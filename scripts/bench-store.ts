/**
 * Read/write latency of Dateline on the embedded FerretDB at growing store sizes:
 *   npx tsx scripts/bench-store.ts [--sizes 1000,10000] [--articles N] [--samples 200] [--budget-s 60]
 *                                  [--handler sqlite|postgresql] [--pg-url postgres://postgres@127.0.0.1:5432/dateline_ferretdb_bench]
 * `--articles N` is short for `--sizes N/10,N`. Each cell takes `--samples` sequential samples, or fewer (at least 20)
 * when they would take longer than `--budget-s` — the table shows n.
 *
 * Starts its own FerretDB (SQLite in a temp folder, or PostgreSQL), then for each size: seeds the store up to that
 * many articles (with the app stopped: bulk inserts of exactly the documents the store writes — one publish event
 * and its article projection per article — so seeding is quick and not part of the figures), starts the app
 * in-process (createApp, timed: that is the rebuild of the read models), listens on port 0 and measures over HTTP,
 * sequentially: GET /api/articles/:id and by slug of random stored articles (mostly outside the LRU, like the long
 * tail of a news site), GET /api/articles/:id of one cached article, tag pages (the tag drawn like reader
 * traffic, i.e. by the same Zipf popularity as the tagging, and uniformly over all 200), GET /api/events after head-100,
 * and last POST /api/articles (so the reads run at exactly N articles). Read-model sizes are the production
 * defaults of src/config.ts unless the environment sets them (RECENT_STORIES, ARTICLE_CACHE_SIZE, …).
 * Bodies are ~2 KB of Hindi and English; ~200 distinct tags, Zipf-distributed.
 * Stops by itself; the temp folder, FerretDB and (PostgreSQL) the bench database are removed at the end.
 */
import * as fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createApp, type App, type AppConfig } from '../src/app';
import { signToken } from '../src/auth/tokens';
import { loadConfig, toAppConfig } from '../src/config';
import type { Article } from '../src/contract/articles';
import type { NewsEvent } from '../src/contract/events';
import { startFerretDB, type RunningFerretDB } from '../src/embedded-db/ferretdb';
import { EVENT_TYPE_OF, makeRevision, publishChanges } from '../src/articles/revision-policy';
import { newArticleId, slugFor } from '../src/articles/slug-policy';
import { normalizeTag } from '../src/articles/text-policy';
import { toArticleDoc, toEventDoc } from '../src/store/mappers';
import { MongoArticleStore } from '../src/store/mongo-article-store';

// ---------------------------------------------------------------------------------------------------------------
// options

interface Options {
  sizes: number[];
  samples: number;
  budgetS: number;
  handler: 'sqlite' | 'postgresql';
  pgUrl: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    sizes: [1_000, 10_000],
    samples: 200,
    budgetS: 60,
    handler: 'sqlite',
    pgUrl: 'postgres://postgres@127.0.0.1:5432/dateline_ferretdb_bench',
  };
  const positiveInt = (flag: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got "${raw}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    switch (flag) {
      case '--sizes':
        options.sizes = (value ?? '').split(',').map((s) => positiveInt(flag, s.trim()));
        i++;
        break;
      case '--articles': {
        const n = positiveInt(flag, value);
        options.sizes = n >= 10 ? [Math.round(n / 10), n] : [n];
        i++;
        break;
      }
      case '--samples':
        options.samples = positiveInt(flag, value);
        i++;
        break;
      case '--budget-s':
        options.budgetS = positiveInt(flag, value);
        i++;
        break;
      case '--handler':
        if (value !== 'sqlite' && value !== 'postgresql') throw new Error('--handler is sqlite or postgresql');
        options.handler = value;
        i++;
        break;
      case '--pg-url':
        if (!value) throw new Error('--pg-url needs a URL');
        options.pgUrl = value;
        i++;
        break;
      case '--help':
      case '-h':
        console.log(
          'npx tsx scripts/bench-store.ts [--sizes 1000,10000] [--articles N] [--samples 200] [--budget-s 60] ' +
            '[--handler sqlite|postgresql] [--pg-url URL]',
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  options.sizes = [...new Set(options.sizes)].sort((a, b) => a - b);
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// realistic content: ~2 KB bodies mixing Hindi and English, ~200 tags with a Zipf distribution

const SENTENCES_EN = [
  'Officials said the relief camps would stay open until the water receded from the low-lying districts.',
  'The opposition walked out of the assembly, demanding a discussion on rising prices of essential goods.',
  'Markets closed higher for a third straight session as foreign investors returned to banking stocks.',
  'The coach said the team would rest its fast bowlers before the final Test of the series.',
  'Residents complained that the new bus routes left several neighbourhoods without a direct link to the station.',
  'The court asked the state government to file a detailed reply within four weeks.',
  'Scientists at the institute said the monsoon was likely to arrive a week earlier than usual this year.',
  'Police said the accused had been taken into custody and an investigation was under way.',
];
const SENTENCES_HI = [
  'अधिकारियों ने बताया कि निचले इलाकों से पानी उतरने तक राहत शिविर खुले रहेंगे।',
  'विपक्ष ने ज़रूरी चीज़ों की बढ़ती कीमतों पर चर्चा की माँग करते हुए सदन से बहिर्गमन किया।',
  'विदेशी निवेशकों की वापसी से लगातार तीसरे सत्र में बाज़ार बढ़त के साथ बंद हुए।',
  'कोच ने कहा कि सीरीज़ के आख़िरी टेस्ट से पहले तेज़ गेंदबाज़ों को आराम दिया जाएगा।',
  'अदालत ने राज्य सरकार से चार हफ़्ते में विस्तृत जवाब दाख़िल करने को कहा।',
  'मौसम वैज्ञानिकों ने कहा कि इस साल मानसून सामान्य से एक हफ़्ता पहले पहुँच सकता है।',
  'पुलिस ने बताया कि आरोपी को हिरासत में ले लिया गया है और जाँच जारी है।',
  'निवासियों ने शिकायत की कि नए बस मार्गों से कई मोहल्लों का स्टेशन से सीधा संपर्क टूट गया।',
];
const HEADLINES_EN = ['Relief camps to stay open', 'Markets extend gains', 'Court seeks reply from state', 'Monsoon may arrive early', 'Opposition walks out'];
const HEADLINES_HI = ['राहत शिविर खुले रहेंगे', 'बाज़ार में लगातार तेज़ी', 'अदालत ने राज्य से जवाब माँगा', 'मानसून जल्दी आने के आसार', 'विपक्ष का बहिर्गमन'];
const TOPICS_EN = ['elections', 'cricket', 'monsoon', 'economy', 'education', 'health', 'courts', 'transport', 'crime', 'technology', 'farming', 'budget', 'railways', 'housing', 'energy', 'water', 'startups', 'tourism', 'films', 'defence'];
const REGIONS_EN = ['delhi', 'mumbai', 'bihar', 'kerala', 'punjab'];
const TOPICS_HI = ['चुनाव', 'क्रिकेट', 'मानसून', 'अर्थव्यवस्था', 'शिक्षा', 'स्वास्थ्य', 'अदालत', 'परिवहन', 'अपराध', 'तकनीक', 'खेती', 'बजट', 'रेलवे', 'आवास', 'ऊर्जा', 'पानी', 'स्टार्टअप', 'पर्यटन', 'फ़िल्म', 'रक्षा'];
const REGIONS_HI = ['दिल्ली', 'मुंबई', 'बिहार', 'केरल', 'पंजाब'];
const TAGS = [
  ...TOPICS_EN.flatMap((t) => REGIONS_EN.map((r) => `${t}-${r}`)),
  ...TOPICS_HI.flatMap((t) => REGIONS_HI.map((r) => `${t}-${r}`)),
].map(normalizeTag);

/** Cumulative Zipf(s = 1) weights over TAGS, in a shuffled order so popularity does not follow the language. */
const TAG_ORDER = [...TAGS].sort((a, b) => hash(a) - hash(b));
const ZIPF_CUMULATIVE = (() => {
  let total = 0;
  return TAG_ORDER.map((_, i) => (total += 1 / (i + 1)));
})();

function hash(s: string): number {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
  return h >>> 0;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

function zipfTag(): string {
  const total = ZIPF_CUMULATIVE[ZIPF_CUMULATIVE.length - 1]!;
  const x = Math.random() * total;
  let lo = 0;
  let hi = ZIPF_CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ZIPF_CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return TAG_ORDER[lo]!;
}

function someTags(): string[] {
  const tags = new Set<string>();
  const want = 2 + Math.floor(Math.random() * 3);
  while (tags.size < want) tags.add(zipfTag());
  return [...tags];
}

function body(language: 'hi' | 'en'): string {
  const main = language === 'hi' ? SENTENCES_HI : SENTENCES_EN;
  const other = language === 'hi' ? SENTENCES_EN : SENTENCES_HI;
  const parts: string[] = [];
  while (Buffer.byteLength(parts.join(' ')) < 2_000) parts.push(Math.random() < 0.75 ? pick(main) : pick(other));
  return parts.join(' ');
}

function publishBody(): Record<string, unknown> {
  const language = Math.random() < 0.5 ? 'hi' : 'en';
  return {
    headline: `${pick(language === 'hi' ? HEADLINES_HI : HEADLINES_EN)} ${Math.floor(Math.random() * 1e6)}`,
    summary: pick(language === 'hi' ? SENTENCES_HI : SENTENCES_EN),
    body: body(language),
    tags: someTags(),
    language,
    dateline: language === 'hi' ? pick(REGIONS_HI) : pick(REGIONS_EN),
    authors: [language === 'hi' ? 'संवाददाता' : 'Staff Reporter'],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// seeding: the documents ArticleService.publish commits (event) and ProjectionWriter writes (article), in bulk

interface Seeded {
  id: string;
  slug: string;
}

async function seed(
  db: mongoose.Connection,
  fromSeq: number,
  count: number,
  startAt: number,
  stepMs: number,
): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  const BATCH = 500;
  for (let done = 0; done < count; done += BATCH) {
    const events: ReturnType<typeof toEventDoc>[] = [];
    const articles: ReturnType<typeof toArticleDoc>[] = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      const input = publishBody();
      const id = newArticleId();
      const at = new Date(startAt + i * stepMs).toISOString();
      const article: Article = {
        id,
        slug: slugFor(String(input.headline), id),
        version: 1,
        status: 'published',
        headline: String(input.headline),
        summary: String(input.summary),
        body: String(input.body),
        tags: input.tags as string[],
        language: String(input.language),
        dateline: String(input.dateline),
        authors: input.authors as string[],
        publishedAt: at,
        updatedAt: at,
        retraction: null,
      };
      const revision = makeRevision(article, 'publish', 'bench-seeder', '', publishChanges(article));
      const event: NewsEvent = {
        seq: fromSeq + i + 1,
        type: EVENT_TYPE_OF.publish,
        at,
        articleId: id,
        version: 1,
        tags: article.tags,
        article,
        revision,
      };
      events.push(toEventDoc(event));
      articles.push(toArticleDoc(article));
      seeded.push({ id, slug: article.slug });
    }
    await db.collection('events').insertMany(events as never[], { ordered: true });
    await db.collection('articles').insertMany(articles as never[], { ordered: true });
  }
  return seeded;
}

// ---------------------------------------------------------------------------------------------------------------
// measuring

interface Stats {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

async function timed(url: string, init: RequestInit, expectStatus: number): Promise<{ ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== expectStatus) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return { ms, body: text ? JSON.parse(text) : undefined };
}

interface Plan {
  samples: number;
  /** Per metric: stop early once this is spent (with at least MIN_SAMPLES), so a scan-bound read cannot run for hours. */
  budgetMs: number;
}
const MIN_SAMPLES = 20;
const DRAIN_LIMIT_MS = 120_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const WARM_UP = 5;

/** A few unrecorded calls first (JIT, connection pool), then up to `samples` sequential recorded ones. */
async function measure(plan: Plan, label: string, call: () => Promise<number>): Promise<Stats> {
  for (let i = 0; i < WARM_UP; i++) await call();
  const out: number[] = [];
  const started = performance.now();
  while (out.length < plan.samples && (out.length < MIN_SAMPLES || performance.now() - started < plan.budgetMs)) {
    out.push(await call());
  }
  const result = stats(out);
  console.log(`bench:   ${label.padEnd(40)} p50 ${fmt(result.p50)} ms (${result.n} samples)`);
  return result;
}

const METRICS = [
  'publish (POST /api/articles)',
  'GET /api/articles/:id (random stored)',
  'GET /api/articles/:slug (random stored)',
  'GET /api/articles/:id (cached)',
  'tag page ?tag=…&limit=20 (tag ~ Zipf)',
  'tag page ?tag=…&limit=20 (tag uniform)',
  'GET /api/events?after=head-100',
] as const;
type Metric = (typeof METRICS)[number];

interface SizeResult {
  size: number;
  seedMs: number;
  startupMs: number;
  repaired: number;
  /** How long app.close() took to drain the background projection writes the publish cell queued. */
  drain: string;
  metrics: Map<Metric, Stats>;
}

async function measureSize(app: App, seeded: Seeded[], plan: Plan, token: string): Promise<Map<Metric, Stats>> {
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  const results = new Map<Metric, Stats>();
  const randomStored = () => seeded[Math.floor(Math.random() * seeded.length)]!;

  const run = async (metric: Metric, call: () => Promise<number>) => results.set(metric, await measure(plan, metric, call));
  await run(METRICS[1], async () => (await timed(`${base}/api/articles/${randomStored().id}`, {}, 200)).ms);
  await run(METRICS[2], async () => (await timed(`${base}/api/articles/${encodeURIComponent(randomStored().slug)}`, {}, 200)).ms);
  const hot = randomStored().id;
  await run(METRICS[3], async () => (await timed(`${base}/api/articles/${hot}`, {}, 200)).ms);
  const tagPage = async (tag: string) => (await timed(`${base}/api/articles?tag=${encodeURIComponent(tag)}&limit=20`, {}, 200)).ms;
  await run(METRICS[4], () => tagPage(zipfTag()));
  await run(METRICS[5], () => tagPage(pick(TAGS)));
  const { body } = await timed(`${base}/api/events?after=0&limit=1`, {}, 200);
  const head = (body as { head: number }).head;
  await run(METRICS[6], async () => (await timed(`${base}/api/events?after=${Math.max(0, head - 100)}&limit=100`, {}, 200)).ms);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  await run(METRICS[0], async () => (await timed(`${base}/api/articles`, { method: 'POST', headers, body: JSON.stringify(publishBody()) }, 201)).ms);
  return results;
}

// ---------------------------------------------------------------------------------------------------------------

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function printTable(results: SizeResult[], handler: string): void {
  const header = ['metric (ms)', ...results.map((r) => `${r.size.toLocaleString('en-US')} articles: p50 / p99 / mean (n)`)];
  if (results.length > 1) header.push('p50 growth');
  const rows: string[][] = METRICS.map((metric) => {
    const cells = results.map((r) => {
      const s = r.metrics.get(metric)!;
      return `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.mean)} (${s.n})`;
    });
    const row = [metric, ...cells];
    if (results.length > 1) {
      const first = results[0]!.metrics.get(metric)!.p50;
      const last = results[results.length - 1]!.metrics.get(metric)!.p50;
      row.push(`×${(last / first).toFixed(1)}`);
    }
    return row;
  });
  rows.push(['createApp start-up (ms)', ...results.map((r) => `${fmt(r.startupMs)} (repaired ${r.repaired})`), ...(results.length > 1 ? [''] : [])]);
  rows.push(['drain of projection writes after publish', ...results.map((r) => r.drain), ...(results.length > 1 ? [''] : [])]);
  rows.push(['seeding (ms, not a figure)', ...results.map((r) => fmt(r.seedMs)), ...(results.length > 1 ? [''] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log(`\nDateline on FerretDB v1 (${handler}); sequential requests over HTTP; n = samples per cell`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dateline-bench-'));
  let ferret: RunningFerretDB | undefined;
  let app: App | undefined;
  let raw: mongoose.Connection | undefined;
  let dropOnExit = false;

  const cleanup = async () => {
    if (app) await app.close().catch(() => {});
    app = undefined;
    if (raw) {
      if (dropOnExit) await raw.dropDatabase().catch(() => {});
      await raw.close().catch(() => {});
      raw = undefined;
    }
    if (ferret) await ferret.stop();
    ferret = undefined;
    await fs.rm(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.log(`bench: starting FerretDB (${options.handler})…`);
    ferret = await startFerretDB({
      handler: options.handler,
      dataDir: options.handler === 'sqlite' ? path.join(tmp, 'data') : undefined,
      postgresqlUrl: options.handler === 'postgresql' ? options.pgUrl : undefined,
    });
    const uri = `${ferret.uri}dateline_bench_${Date.now().toString(36)}`;
    // The store creates the indexes (the unique ones make every seeding insert below a checked commit).
    const indexer = await MongoArticleStore.connect(uri);
    await indexer.close();
    raw = await mongoose.createConnection(uri).asPromise();
    dropOnExit = true;

    // Production defaults, or what the environment sets (e.g. RECENT_STORIES=5000); one instance, no Redis.
    const config: AppConfig = {
      ...toAppConfig(loadConfig({ ...process.env, REDIS_URL: '' }), {
        mongodbUri: uri,
        jwtSecret: 'bench-secret-that-is-long-enough-for-hs256-0123456789',
      }),
      redisUrl: undefined,
      logLevel: 'silent',
      writesPerMinute: 1_000_000,
    };
    const token = signToken({ sub: 'bench-editor', role: 'editor' }, config.jwtSecret);
    console.log(
      `bench: sizes ${options.sizes.join(', ')}; up to ${options.samples} samples or ${options.budgetS} s per cell; read models: cache ${config.articleCacheSize}, ` +
        `recent stories ${config.recentStories}, recent events ${config.recentEvents}`,
    );

    const results: SizeResult[] = [];
    const seeded: Seeded[] = [];
    const largest = options.sizes[options.sizes.length - 1]!;
    // Seeded stories are spread over the 30 days before now; those the bench publishes are newest.
    const stepMs = Math.floor((30 * 24 * 3600 * 1000) / largest);
    const startAt = Date.now() - 30 * 24 * 3600 * 1000;
    for (const size of options.sizes) {
      const stored = await raw.collection('articles').countDocuments({});
      const head = (await raw.collection('events').find({}, { projection: { seq: 1 } }).sort({ seq: -1 }).limit(1).next())?.seq ?? 0;
      const t0 = performance.now();
      const batch = await seed(raw, Number(head), Math.max(0, size - stored), startAt + seeded.length * stepMs, stepMs);
      seeded.push(...batch);
      const seedMs = performance.now() - t0;
      console.log(`bench: ${size} articles stored (seeded ${batch.length} in ${fmt(seedMs)} ms); starting the app…`);

      const t1 = performance.now();
      app = await createApp(config);
      const startupMs = performance.now() - t1;
      const { repaired } = app.newsroom;
      console.log(`bench: createApp took ${fmt(startupMs)} ms (repaired ${repaired}); measuring…`);
      const metrics = await measureSize(app, seeded, { samples: options.samples, budgetMs: options.budgetS * 1000 }, token);
      // close() waits for the projection writes the publishes queued; bounded, so a scan-bound store cannot hang us
      const t2 = performance.now();
      const closing = app.close();
      closing.catch(() => {}); // abandoned below if it takes too long; its errors no longer matter then
      app = undefined;
      const drained = await Promise.race([closing.then(() => true, () => true), sleep(DRAIN_LIMIT_MS).then(() => false)]);
      const drain = drained ? `${fmt(performance.now() - t2)} ms` : `> ${DRAIN_LIMIT_MS / 1000} s, abandoned`;
      console.log(`bench: closing the app: draining the projection writes the publishes queued took ${drain}`);
      results.push({ size, seedMs, startupMs, repaired, metrics, drain });
    }
    printTable(results, options.handler);
    console.log(
      `\nstart-up at the largest size (${largest.toLocaleString('en-US')} articles): ` +
        `${fmt(results[results.length - 1]!.startupMs)} ms for createApp (connect, repair check, read-model rebuild)`,
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
