/**
 * `npm run load -- --clients 2000 --tags 100 --rate 50 [--duration 20] [--url http://127.0.0.1:3000]`
 *
 * Load generator: N socket.io clients each follow a few random tags of T; editors write at --rate changes a second
 * for --duration seconds (publishes and PATCH updates, each article on 1–3 tags); prints publish→receive latency,
 * deliveries per second and completeness (deliveries received / deliveries owed). Then the resume time of a gap:
 * one SDK client goes away, --gap events of its tag are published, it comes back with its cursor; prints the time
 * from reconnecting to having received all of them.
 *
 * Without --url it starts its own FerretDB (SQLite, temp folder) and the app in this process on 127.0.0.1 (so
 * clients, server and database share the machine — and the clients share the server's event loop: the figures are
 * for the whole). With --url it needs an editor token: --token, or JWT_SECRET in the environment to mint some
 * (several editor identities, since the server's write limit is per editor).
 *
 * Options: --clients 2000 --tags 100 --rate 50 --duration 20 --url <origin> --token <jwt> --gap 1000
 *          --tags-per-client 3 --batch 100 (sockets opened at once) --max-in-flight 64
 * Loopback by default, bounded in count and time (a hard deadline stops it), cleans up after itself.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { connectDateline, type DatelineClient, type SubscribeAck } from '../sdk';
import { loadConfig, toAppConfig } from '../src/config';
import { createApp, type App } from '../src/app';
import { signToken } from '../src/auth/tokens';
import { startFerretDB, type RunningFerretDB } from '../src/embedded-db/ferretdb';

// ---------------------------------------------------------------------------------------------------------------
// options

interface Options {
  clients: number;
  tags: number;
  rate: number;
  duration: number;
  url?: string;
  token?: string;
  gap: number;
  tagsPerClient: number;
  batch: number;
  maxInFlight: number;
}

function parseOptions(argv: string[]): Options {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) raw.set(arg.slice(2, eq), arg.slice(eq + 1));
    else raw.set(arg.slice(2), argv[++i] ?? '');
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = raw.has(name) ? Number(raw.get(name)) : fallback;
    raw.delete(name);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be ${min}..${max}`);
    return value;
  };
  const options: Options = {
    clients: int('clients', 2000, 1, 20_000),
    tags: int('tags', 100, 1, 10_000),
    rate: int('rate', 50, 0.1, 2_000),
    duration: int('duration', 20, 1, 600),
    gap: int('gap', 1000, 0, 10_000),
    tagsPerClient: int('tags-per-client', 3, 1, 50),
    batch: int('batch', 100, 1, 2_000),
    maxInFlight: int('max-in-flight', 64, 1, 10_000),
    url: raw.get('url')?.replace(/\/+$/, ''),
    token: raw.get('token'),
  };
  raw.delete('url');
  raw.delete('token');
  if (raw.size > 0) throw new Error(`unknown option(s): ${[...raw.keys()].map((k) => `--${k}`).join(' ')}`);
  options.tagsPerClient = Math.min(options.tagsPerClient, options.tags);
  return options;
}

// ---------------------------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function quantiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN };
}

function pickDistinct(count: number, from: number): number[] {
  const out = new Set<number>();
  while (out.size < count) out.add(Math.floor(Math.random() * from));
  return [...out];
}

function openFileLimit(): number | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the target: an in-process app on an embedded FerretDB, or a server at --url

interface Target {
  url: string;
  tokens: string[];
  describe: string;
  stop(): Promise<void>;
}

async function startTarget(options: Options): Promise<Target> {
  if (options.url) {
    const secret = process.env.JWT_SECRET;
    const tokens = options.token
      ? [options.token]
      : secret
        ? Array.from({ length: 20 }, (_, i) => signToken({ sub: `load-editor-${i}`, role: 'editor' }, secret))
        : [];
    if (tokens.length === 0) throw new Error('--url needs --token <editor jwt> or JWT_SECRET in the environment');
    return { url: options.url, tokens, describe: 'server given by --url', stop: async () => {} };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dateline-load-'));
  let db: RunningFerretDB | undefined;
  let app: App | undefined;
  try {
    db = await startFerretDB({ handler: 'sqlite', dataDir, log: () => {} });
    const jwtSecret = randomBytes(32).toString('base64url');
    app = await createApp({
      // Production defaults, but no per-editor write limit and room for the burst this script sends.
      ...toAppConfig(loadConfig({ ...process.env, REDIS_URL: '', LOG_LEVEL: 'warn' }), {
        mongodbUri: `${db.uri}dateline_load`,
        jwtSecret,
      }),
      writesPerMinute: 1_000_000,
      realtime: { maxSocketBufferBytes: 256 * 1024 * 1024, maxReplayBuffer: 100_000, eventBurst: 100, eventsPerSecond: 50 },
    });
    const server = app.httpServer;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const running = { app, db };
    return {
      url,
      tokens: [signToken({ sub: 'load-editor', role: 'editor' }, jwtSecret)],
      describe: 'in-process app on an embedded FerretDB (SQLite, temp folder)',
      async stop() {
        await running.app.close().catch(() => undefined);
        await running.db.stop().catch(() => undefined);
        await fs.rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db?.stop().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// readers: raw socket.io clients (lighter than the SDK, which parses every event with zod)

/** Receipts of `news`: which write (articleId@version) and when; kept in flat arrays (there are ~10^5 of them). */
class Receipts {
  readonly keys: string[] = [];
  readonly times: number[] = [];
  add(key: string, at: number): void {
    this.keys.push(key);
    this.times.push(at);
  }
  get count(): number {
    return this.keys.length;
  }
}

interface Reader {
  socket: Socket;
  tags: Set<string>;
}

async function openReader(url: string, tags: string[], receipts: Receipts, onDrop: (reason: string) => void): Promise<Reader> {
  for (let attempt = 1; ; attempt++) {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = (await socket.timeout(30_000).emitWithAck('subscribe', { tags })) as SubscribeAck;
      if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.code} ${ack.error.message}`);
      socket.on('news', (event: { articleId: string; version: number }) => {
        receipts.add(`${event.articleId}@${event.version}`, performance.now());
      });
      socket.on('kicked', (k: { message: string }) => onDrop(`kicked: ${k.message}`));
      socket.on('disconnect', (reason) => onDrop(`disconnect: ${reason}`));
      return { socket, tags: new Set(tags) };
    } catch (err) {
      socket.close();
      if (attempt >= 3) throw err;
      await sleep(200 * attempt);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// editors

interface Write {
  key: string;
  tags: string[];
  sentAt: number;
  answeredAt: number;
}

class Editors {
  /** Published articles not being PATCHed right now: id → version and tags. */
  private readonly idle = new Map<string, { version: number; tags: string[] }>();
  private next = 0;
  readonly acked: Write[] = [];
  readonly httpMs: number[] = [];
  readonly errors = new Map<string, number>();
  publishes = 0;
  updates = 0;

  constructor(
    private readonly url: string,
    private readonly tokens: string[],
    private readonly tagName: (i: number) => string,
    private readonly tagCount: number,
  ) {}

  /** One change: an update of an idle article (70%) or a new article (on `onlyTags` if given); resolves when answered. */
  async writeOne(onlyTags?: string[]): Promise<void> {
    const forcePublish = onlyTags !== undefined;
    const n = this.next++;
    const token = this.tokens[n % this.tokens.length]!;
    const idleId = forcePublish || Math.random() < 0.3 ? undefined : this.idle.keys().next().value;
    if (idleId !== undefined) {
      const article = this.idle.get(idleId)!;
      this.idle.delete(idleId);
      const key = `${idleId}@${article.version + 1}`;
      const body = { changes: { body: `Update ${n}: ${'more details from the scene. '.repeat(8)}` }, note: `update ${n}` };
      const res = await this.send('PATCH', `/api/articles/${idleId}`, token, body, { 'if-match': `"${article.version}"` }, key, article.tags);
      this.updates++;
      this.idle.set(idleId, { version: res?.article.version ?? article.version, tags: article.tags });
      return;
    }
    const tags = onlyTags ?? pickDistinct(1 + Math.floor(Math.random() * 3), this.tagCount).map(this.tagName);
    const body = {
      headline: `Load story ${n}`,
      summary: 'A story written by the load generator.',
      body: `LOADVILLE — Story ${n}. ${'Officials said more details would follow. '.repeat(10)}`,
      tags,
      language: 'en',
      dateline: 'Loadville',
    };
    const sentAt = performance.now();
    const res = await this.send('POST', '/api/articles', token, body, {}, undefined, tags, sentAt);
    this.publishes++;
    if (res) this.idle.set(res.article.id, { version: res.article.version, tags: res.article.tags });
  }

  private async send(
    method: string,
    pathname: string,
    token: string,
    body: unknown,
    headers: Record<string, string>,
    key: string | undefined,
    tags: string[],
    sentAt = performance.now(),
  ): Promise<{ article: { id: string; version: number; tags: string[] } } | undefined> {
    try {
      const res = await fetch(`${this.url}${pathname}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { article: { id: string; version: number; tags: string[] }; error?: { code: string } };
      const answeredAt = performance.now();
      this.httpMs.push(answeredAt - sentAt);
      if (!res.ok) {
        const code = `${res.status} ${json.error?.code ?? ''}`.trim();
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
        return undefined;
      }
      // A publish's key is known only now; its event may have arrived already, which the analysis allows for.
      this.acked.push({ key: key ?? `${json.article.id}@${json.article.version}`, tags: json.article.tags ?? tags, sentAt, answeredAt });
      return json;
    } catch (err) {
      const code = (err as Error).message || 'network error';
      this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runId = randomBytes(3).toString('hex');
  const tagName = (i: number) => `lt${runId}-${i}`;
  const resumeTag = `lt${runId}-resume`;
  const limit = openFileLimit();
  // In-process, each connection costs two descriptors (client and server end).
  const needed = options.clients * (options.url ? 1 : 2) + 200;
  console.log(
    `dateline load: ${fmt(options.clients)} clients × ${options.tagsPerClient} of ${options.tags} tags, ` +
      `${options.rate} writes/s for ${options.duration} s, resume gap ${options.gap}; ` +
      `${os.cpus().length} CPUs, ulimit -n ${limit ?? '?'}, load avg ${os.loadavg()[0]!.toFixed(1)}`,
  );
  if (limit !== undefined && limit < needed) {
    throw new Error(`ulimit -n is ${limit}, this run needs about ${needed}: raise it (ulimit -n ${needed}) or use fewer --clients`);
  }

  const budgetMs = 120_000 + options.duration * 1000 + options.clients * 50 + options.gap * 200;
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  const deadline = setTimeout(() => {
    console.error(`load: hard deadline of ${Math.round(budgetMs / 1000)} s reached; stopping`);
    void cleanup().finally(() => process.exit(2));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }

  try {
    const target = await startTarget(options);
    cleanups.push(() => target.stop());
    console.log(`target    ${target.describe}: ${target.url}`);

    // --- readers, in batches so that handshakes do not time out
    const receipts = new Receipts();
    const drops = new Map<string, number>();
    const onDrop = (reason: string) => drops.set(reason, (drops.get(reason) ?? 0) + 1);
    const readers: Reader[] = [];
    cleanups.push(async () => readers.forEach((r) => r.socket.close()));
    let failedConnects = 0;
    const connectStart = performance.now();
    for (let i = 0; i < options.clients; i += options.batch) {
      const batch = Array.from({ length: Math.min(options.batch, options.clients - i) }, () =>
        openReader(target.url, pickDistinct(options.tagsPerClient, options.tags).map(tagName), receipts, onDrop),
      );
      for (const result of await Promise.allSettled(batch)) {
        if (result.status === 'fulfilled') readers.push(result.value);
        else failedConnects++;
      }
    }
    const connectMs = performance.now() - connectStart;
    console.log(
      `connect   ${fmt(readers.length)}/${fmt(options.clients)} sockets connected and subscribed in ${fmt(connectMs / 1000, 1)} s ` +
        `(batches of ${options.batch})${failedConnects ? `, ${failedConnects} FAILED` : ''}`,
    );

    // --- writes at a fixed rate, bounded in flight
    const editors = new Editors(target.url, target.tokens, tagName, options.tags);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const inFlight = new Set<Promise<void>>();
    let skipped = 0;
    const cpuStart = process.cpuUsage();
    loop.enable();
    const start = performance.now();
    const end = start + options.duration * 1000;
    const interval = 1000 / options.rate;
    for (let due = start; due < end; due += interval) {
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (inFlight.size >= options.maxInFlight) {
        skipped++;
        continue;
      }
      const write = editors.writeOne().finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    const sendMs = performance.now() - start;
    await Promise.all(inFlight);
    const ackedKeys = new Map(editors.acked.map((w) => [w.key, w]));
    // Deliveries owed: for each acknowledged write, the readers following one of its tags.
    let owed = 0;
    for (const w of editors.acked) for (const r of readers) if (w.tags.some((t) => r.tags.has(t))) owed++;
    // Drain: until every owed delivery arrived, or nothing arrived for 2 s (at most 30 s).
    const countOurs = () => receipts.keys.reduce((n, k) => n + (ackedKeys.has(k) ? 1 : 0), 0);
    let delivered = countOurs();
    for (let quiet = 0, waited = 0; delivered < owed && quiet < 2_000 && waited < 30_000; waited += 250) {
      await sleep(250);
      const now = countOurs();
      quiet = now === delivered ? quiet + 250 : 0;
      delivered = now;
    }
    loop.disable();
    const cpu = process.cpuUsage(cpuStart);
    const latencies: number[] = [];
    const afterAnswer: number[] = [];
    let lastReceipt = start;
    for (let i = 0; i < receipts.count; i++) {
      const write = ackedKeys.get(receipts.keys[i]!);
      if (!write) continue;
      latencies.push(receipts.times[i]! - write.sentAt);
      afterAnswer.push(receipts.times[i]! - write.answeredAt);
      if (receipts.times[i]! > lastReceipt) lastReceipt = receipts.times[i]!;
    }
    const windowS = (lastReceipt - start) / 1000;
    const lat = quantiles(latencies);
    const fanOut = quantiles(afterAnswer);
    const http = quantiles(editors.httpMs);
    const errors = [...editors.errors].map(([code, n]) => `${n}× ${code}`).join(', ');
    const sent = editors.publishes + editors.updates;
    console.log(
      `publish   offered ${fmt(sent + skipped)} writes (${options.rate}/s for ${options.duration} s): sent ${fmt(sent)} = ` +
        `${fmt(sent / (sendMs / 1000), 1)}/s (${editors.publishes} publishes, ${editors.updates} updates), ` +
        `${editors.acked.length} acked, ${errors || 'no errors'}; ${skipped} not sent (${options.maxInFlight} already in flight); ` +
        `HTTP p50 ${fmt(http.p50)} ms, p99 ${fmt(http.p99)} ms, max ${fmt(http.max)} ms`,
    );
    console.log(
      `deliver   ${fmt(delivered)} of ${fmt(owed)} owed (${owed ? fmt((100 * delivered) / owed, 2) : '100'}%) over ${fmt(windowS, 1)} s ` +
        `= ${fmt(delivered / Math.max(windowS, 0.001))} deliveries/s (${fmt(owed / Math.max(editors.acked.length, 1), 1)} readers per write); ` +
        `dropped sockets: ${drops.size ? [...drops].map(([r, n]) => `${n}× ${r}`).join(', ') : 'none'}`,
    );
    console.log(
      `latency   publish→receive (HTTP request sent → news event received) p50 ${fmt(lat.p50)} ms, p90 ${fmt(lat.p90)} ms, ` +
        `p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms; received − HTTP answer p50 ${fmt(fanOut.p50)} ms, ` +
        `p99 ${fmt(fanOut.p99)} ms (the server answers once the event is handed to the sockets)`,
    );
    console.log(
      `process   event-loop delay p50 ${fmt(loop.percentile(50) / 1e6)} ms, p99 ${fmt(loop.percentile(99) / 1e6)} ms, ` +
        `max ${fmt(loop.max / 1e6)} ms; CPU ${fmt((100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - start))}% of one core ` +
        `(this process${options.url ? '' : ': app + clients'}); load avg ${os.loadavg()[0]!.toFixed(1)}`,
    );

    // --- resume after a gap
    if (options.gap > 0) await resumeAfterGap(target, editors, resumeTag, options.gap, cleanups);
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
}

/** One SDK client goes away, `gap` events of its tag are published, it reconnects with after=lastSeq. */
async function resumeAfterGap(
  target: Target,
  editors: Editors,
  resumeTag: string,
  gap: number,
  cleanups: Array<() => Promise<void>>,
): Promise<void> {
  const connect = (lastSeq?: number): Promise<{ client: DatelineClient; ack: SubscribeAck }> => {
    const client = connectDateline({ url: target.url, tags: [resumeTag], lastSeq, socketOptions: { forceNew: true } });
    cleanups.push(async () => client.close());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the resume client got no subscribe ack in 30 s')), 30_000);
      client.on('subscribed', (ack) => {
        clearTimeout(timer);
        resolve({ client, ack });
      });
    });
  };
  const first = await connect();
  const cursor = first.client.lastSeq;
  first.client.close();
  if (cursor === undefined) throw new Error('the resume client has no cursor');

  const publishStart = performance.now();
  const before = editors.acked.length;
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < gap) {
        sent++;
        await editors.writeOne([resumeTag]);
      }
    }),
  );
  const published = editors.acked.length - before;
  const publishS = (performance.now() - publishStart) / 1000;

  const seqs: number[] = [];
  let replayed = NaN;
  let firstAt = NaN;
  let allAt = NaN;
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => {
    const client = connectDateline({
      url: target.url,
      tags: [resumeTag],
      lastSeq: cursor,
      socketOptions: { forceNew: true },
    });
    cleanups.push(async () => client.close());
    client.on('news', (event) => {
      if (seqs.length === 0) firstAt = performance.now() - t0;
      seqs.push(event.seq);
      if (seqs.length === published) {
        allAt = performance.now() - t0;
        resolve();
      }
    });
    client.on('subscribed', (ack) => {
      if (ack.ok) replayed = ack.replayed;
    });
  });
  await Promise.race([done, sleep(60_000)]);
  await sleep(200); // anything extra would show up as a count above `published`
  const ordered = seqs.every((s, i) => i === 0 || s > seqs[i - 1]!);
  console.log(
    `resume    gap of ${published} events (published in ${fmt(publishS, 1)} s = ${fmt(published / publishS, 1)}/s) after cursor ${cursor}: ` +
      `${seqs.length} received${ordered ? ' in seq order' : ' OUT OF ORDER'}, ack.replayed ${replayed}; ` +
      (Number.isNaN(allAt)
        ? `NOT all within 60 s (first after ${fmt(firstAt)} ms)`
        : `all within ${fmt(allAt)} ms of connecting (first after ${fmt(firstAt)} ms)`),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
