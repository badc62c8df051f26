/**
 * Two real app processes (`node --import tsx src/main.ts`) on one FerretDB database and one Redis, as in
 * production behind a load balancer. Checks the delivery guarantees of ARCHITECTURE.md across instances:
 * a. an event committed on one instance reaches a client of the other;
 * b. editors writing to both instances at once: every client (several per instance, different tag sets) receives
 *    exactly the events of its tags that the log holds, in strictly increasing seq, no hole, no duplicate; the log
 *    itself is dense 1..head and both instances serve the same log;
 * c. a client of an instance killed with SIGKILL resumes on the other from its persisted cursor and ends up with
 *    exactly the matching events — nothing missed, nothing twice — while editors keep writing.
 *
 * Each run uses its own database and its own Redis channel namespace (REDIS_PREFIX), so concurrent runs (or a
 * dev server on the same Redis) never exchange events. Every child is SIGKILLed in afterAll and on worker exit.
 */
import { randomBytes } from 'node:crypto';
import { connectDateline, type DatelineClient, type NewsEvent } from '../../sdk';
import { request, sampleArticle, tokenFor } from '../helpers/server';
import { testDatabaseUri } from '../helpers/test-db';
import { killChildren, sleep, startChildServer, type ChildServer } from '../helpers/child-server';
import { prng } from '../helpers/random';

// Time budgets of beforeAll and the three tests add up to 120 s (see the numbers after each of them).

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 40_000;
const EDITOR = tokenFor('editor', 'cluster-editor');

// ---------------------------------------------------------------------------------------------------------------
// child processes

type Instance = ChildServer & { name: string };

async function startInstance(name: string, mongodbUri: string, redisPrefix: string): Promise<Instance> {
  const server = await startChildServer(mongodbUri, { REDIS_URL, REDIS_PREFIX: redisPrefix }, READY_TIMEOUT_MS).catch((err: Error) => {
    throw new Error(`instance ${name}: ${err.message}`);
  });
  return { ...server, name };
}

// ---------------------------------------------------------------------------------------------------------------
// the log as the server tells it

async function eventPage(url: string, after: number, tags?: string[]): Promise<{ items: NewsEvent[]; head: number }> {
  const query = new URLSearchParams({ after: String(after), limit: '1000' });
  if (tags) query.set('tags', tags.join(','));
  const res = await request(url, 'GET', `/api/events?${query.toString()}`);
  if (res.status !== 200) throw new Error(`GET /api/events → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every event after `after` (matching `tags` if given), all pages, up to the instance's head at the first page. */
async function eventsAfter(url: string, after: number, tags?: string[]): Promise<NewsEvent[]> {
  const first = await eventPage(url, after, tags);
  const out = [...first.items];
  while (out.length > 0) {
    const page = await eventPage(url, out[out.length - 1]!.seq, tags);
    const items = page.items.filter((e) => e.seq <= first.head);
    if (items.length === 0) break;
    out.push(...items);
  }
  return out;
}

const headOf = async (url: string): Promise<number> => (await eventPage(url, 0)).head;

/** Waits until every instance serves the same head and it has not moved for a moment (writes have landed). */
async function settledHead(urls: string[], timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const heads = await Promise.all(urls.map(headOf));
    const head = heads[0]!;
    if (heads.every((h) => h === head) && head === previous) return head;
    if (Date.now() > deadline) throw new Error(`instances do not agree on the head: ${heads.join(', ')}`);
    previous = heads.every((h) => h === head) ? head : -1;
    await sleep(150);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// clients

interface Follower {
  name: string;
  tags: string[];
  client: DatelineClient;
  /** Seqs of `news` as they came off the socket, before the SDK's dedupe: the server's own behaviour. */
  raw: number[];
  /** Events the SDK handed to the application. */
  got: NewsEvent[];
  /** The cursor the SDK asked us to persist. */
  persisted: number | undefined;
  problems: string[];
}

async function follow(name: string, url: string, tags: string[], lastSeq?: number): Promise<Follower> {
  const follower: Follower = { name, tags, raw: [], got: [], persisted: lastSeq, problems: [], client: undefined as never };
  const client = connectDateline({
    url,
    tags,
    lastSeq,
    onLastSeq: (seq) => {
      follower.persisted = seq;
    },
    socketOptions: { reconnection: false },
  });
  follower.client = client;
  client.socket.on('news', (event) => follower.raw.push(event.seq));
  client.on('news', (event) => follower.got.push(event));
  client.on('resync', (r) => follower.problems.push(`resync ${r.reason} at ${r.head}`));
  client.on('kicked', (k) => follower.problems.push(`kicked ${k.code}: ${k.message}`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no subscribe ack within 10 s`)), 10_000);
    client.on('subscribed', (ack) => {
      clearTimeout(timer);
      if (ack.ok) resolve();
      else reject(new Error(`${name}: subscribe refused: ${ack.error.code} ${ack.error.message}`));
    });
    client.on('error', (err) => follower.problems.push(`error: ${err.message}`));
  });
  return follower;
}

/** Waits until each follower has received its last expected event, then a little longer to catch extras. */
async function caughtUp(expectations: Array<{ seqs: () => number[]; last: number }>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (expectations.some((e) => e.last > 0 && !e.seqs().includes(e.last)) && Date.now() < deadline) await sleep(50);
  await sleep(300);
}

function expectStrictlyIncreasing(seqs: number[], who: string): void {
  const bad = seqs.findIndex((s, i) => i > 0 && s <= seqs[i - 1]!);
  if (bad >= 0) throw new Error(`${who}: seq ${seqs[bad]} after ${seqs[bad - 1]} (index ${bad})`);
}

// ---------------------------------------------------------------------------------------------------------------
// editors

interface Newsroom {
  /** articleId → the newest version this test knows (the If-Match of the next PATCH). */
  versions: Map<string, number>;
  ids: string[];
  /** Articles with a PATCH in flight: editors mostly pick others, so most PATCHes name the current version. */
  busy: Set<string>;
  tags: readonly string[];
  acked: number;
  conflicts: number;
  /** Milliseconds per write request, for the summary line. */
  latencies: number[];
  rng: () => number;
}

const newRoom = (rng: () => number): Newsroom => ({
  versions: new Map(), ids: [], busy: new Set(), tags: ['t0', 't1', 't2', 't3', 't4'],
  acked: 0, conflicts: 0, latencies: [], rng,
});

function latencySummary(ms: number[]): string {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `write latency p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms, max ${at(1).toFixed(0)} ms`;
}

function someTags(room: Newsroom): string[] {
  const pool = [...room.tags];
  const n = 1 + Math.floor(room.rng() * 3);
  const out: string[] = [];
  while (out.length < n) out.push(pool.splice(Math.floor(room.rng() * pool.length), 1)[0]!);
  return out;
}

async function publish(room: Newsroom, url: string, label: string): Promise<void> {
  const sent = performance.now();
  const res = await request(url, 'POST', '/api/articles', {
    token: EDITOR,
    body: sampleArticle({ headline: `Cluster story ${label}`, body: `Body of ${label}.`, tags: someTags(room) }),
  });
  room.latencies.push(performance.now() - sent);
  if (res.status !== 201) throw new Error(`publish ${label} → ${res.status} ${JSON.stringify(res.body)}`);
  room.versions.set(res.body.article.id, 1);
  room.ids.push(res.body.article.id);
  room.acked++;
}

/**
 * One PATCH of a random article; a lost race (VERSION_CONFLICT) learns the current version and counts as a
 * conflict. One PATCH in ten ignores the others' leases, so concurrent revisions of one version happen too.
 */
async function revise(room: Newsroom, url: string, label: string): Promise<void> {
  const free = room.ids.filter((x) => !room.busy.has(x));
  const pool = free.length > 0 && room.rng() >= 0.1 ? free : room.ids;
  const id = pool[Math.floor(room.rng() * pool.length)]!;
  room.busy.add(id);
  try {
    await reviseArticle(room, url, id, label);
  } finally {
    room.busy.delete(id);
  }
}

async function reviseArticle(room: Newsroom, url: string, id: string, label: string): Promise<void> {
  const from = room.versions.get(id)!;
  const changes: Record<string, unknown> = { body: `Body of ${label}, revised from v${from}.` };
  if (room.rng() < 0.3) changes.tags = someTags(room);
  const sent = performance.now();
  const res = await request(url, 'PATCH', `/api/articles/${id}`, {
    token: EDITOR,
    headers: { 'if-match': `"${from}"` },
    body: { changes, note: `update ${label}`, kind: room.rng() < 0.8 ? 'update' : 'correction' },
  });
  room.latencies.push(performance.now() - sent);
  if (res.body?.error?.code === 'VERSION_CONFLICT') {
    const current = Number(res.body.error.details?.currentVersion);
    if (current > (room.versions.get(id) ?? 0)) room.versions.set(id, current);
    room.conflicts++;
    return;
  }
  if (res.status !== 200) throw new Error(`PATCH ${id} from v${from} → ${res.status} ${JSON.stringify(res.body)}`);
  if ((room.versions.get(id) ?? 0) < res.body.article.version) room.versions.set(id, res.body.article.version);
  room.acked++;
}

/** `workers` editors per URL, each writing one change at a time, until `done()` says stop or one of them fails. */
async function editors(
  room: Newsroom,
  urls: string[],
  workers: number,
  done: () => boolean,
  publishShare = 0.1,
  label = 'w',
): Promise<void> {
  let n = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(
    urls.flatMap((url, u) =>
      Array.from({ length: workers }, async (_, w) => {
        try {
          while (!done() && !failure) {
            const tag = `${label}${u}.${w}.${n++}`;
            if (room.rng() < publishShare) await publish(room, url, tag);
            else await revise(room, url, tag);
          }
        } catch (err) {
          failure ??= { err };
        }
      }),
    ),
  );
  if (failure) throw failure.err;
}

/** pino lines at level error or fatal an instance wrote (LOG_LEVEL=warn keeps the output short). */
function errorsLogged(instance: Instance): string[] {
  return instance
    .output()
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line));
}

// ---------------------------------------------------------------------------------------------------------------

describe('two instances on one database and one Redis', () => {
  const seed = Number(process.env.CLUSTER_SEED ?? Date.now() % 2_147_483_647);
  const redisPrefix = `dateline-test-${randomBytes(4).toString('hex')}`;
  const uri = testDatabaseUri('cluster');
  const followers: Follower[] = [];
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    // At once, as a deployment would (both create the indexes of the fresh database).
    const started = Date.now();
    [a, b] = await Promise.all([startInstance('A', uri, redisPrefix), startInstance('B', uri, redisPrefix)]);
    console.log(`[cluster] two instances ready in ${Date.now() - started} ms`);
  }, 45_000);

  afterAll(async () => {
    for (const f of followers) f.client.close();
    killChildren();
    await Promise.all([a?.exited, b?.exited]);
  });

  const track = async (...args: Parameters<typeof follow>): Promise<Follower> => {
    const f = await follow(...args);
    followers.push(f);
    return f;
  };

  it('delivers an event committed on one instance to the clients of the other, both ways', async () => {
    const onB = await track('onB', b.url, ['Cross A→B']);
    const onA = await track('onA', a.url, ['Cross B→A']);

    for (const [from, to, tag] of [[a, onB, 'Cross A→B'], [b, onA, 'Cross B→A']] as const) {
      const published = await request(from.url, 'POST', '/api/articles', {
        token: EDITOR,
        body: sampleArticle({ tags: [tag] }),
      });
      expect(published.status).toBe(201);
      const id: string = published.body.article.id;
      const revised = await request(from.url, 'PATCH', `/api/articles/${id}`, {
        token: EDITOR,
        headers: { 'if-match': '"1"' },
        body: { changes: { body: `Revised on ${from.name}.` }, note: 'update' },
      });
      expect(revised.status).toBe(200);

      const deadline = Date.now() + 5_000;
      while (to.got.filter((e) => e.articleId === id).length < 2 && Date.now() < deadline) await sleep(20);
      expect(to.got.filter((e) => e.articleId === id).map((e) => [e.type, e.version])).toEqual([
        ['article.published', 1],
        ['article.updated', 2],
      ]);
      expect(to.got.find((e) => e.version === 2 && e.articleId === id)!.article.body).toBe(`Revised on ${from.name}.`);
    }
    expect(onA.problems).toEqual([]);
    expect(onB.problems).toEqual([]);
    // Nothing leaked into the other direction's tag.
    expect(onA.got.every((e) => e.tags.includes('cross-b→a'))).toBe(true);
    expect(onB.got.every((e) => e.tags.includes('cross-a→b'))).toBe(true);
  }, 10_000);

  it('gives every client of both instances exactly its events, in seq order, while editors write to both', async () => {
    const TOTAL = 300;
    const room = newRoom(prng(seed));
    const sets = [['t0'], ['t1', 't2'], ['t3', 't4', 't0'], ['t2'], ['t0', 't1', 't2', 't3', 't4'], ['t4', 't1']];
    // Clients resume from 0, so they also get what was written before they subscribed (replay then live).
    const clients = await Promise.all(
      sets.map((tags, i) => track(`b${i}@${i % 2 ? 'B' : 'A'}`, (i % 2 ? b : a).url, tags, 0)),
    );

    const started = Date.now();
    for (let i = 0; i < 10; i++) await publish(room, i % 2 ? b.url : a.url, `seed${i}`);
    await editors(room, [a.url, b.url], 4, () => room.acked >= TOTAL, 0.05, 'b');
    const writeMs = Date.now() - started;

    const head = await settledHead([a.url, b.url]);
    // The whole log: dense 1..head, no seq twice, each (article, version) once; both instances serve the same.
    const log = await eventsAfter(a.url, 0);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(new Set(log.map((e) => `${e.articleId}@${e.version}`)).size).toBe(log.length);
    expect((await eventsAfter(b.url, 0)).map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    // Each article's versions appear in the log in version order 1, 2, 3, …
    const versions = new Map<string, number>();
    for (const e of log) {
      expect(e.version).toBe((versions.get(e.articleId) ?? 0) + 1);
      versions.set(e.articleId, e.version);
    }
    expect(log.length).toBeGreaterThanOrEqual(TOTAL);

    const expected = await Promise.all(clients.map((c) => eventsAfter(a.url, 0, c.tags)));
    await caughtUp(clients.map((c, i) => ({ seqs: () => c.raw, last: expected[i]!.at(-1)?.seq ?? 0 })));
    clients.forEach((c, i) => {
      const want = expected[i]!.map((e) => e.seq);
      expect(want.length).toBeGreaterThan(0);
      expect({ who: c.name, problems: c.problems }).toEqual({ who: c.name, problems: [] });
      expectStrictlyIncreasing(c.raw, c.name);
      expect({ who: c.name, raw: c.raw }).toEqual({ who: c.name, raw: want });
      expect({ who: c.name, got: c.got.map((e) => e.seq) }).toEqual({ who: c.name, got: want });
      // Whatever the instance, the event pushed is the event in the log.
      expect(c.got.map((e) => e.article.version)).toEqual(expected[i]!.map((e) => e.version));
    });
    expect(errorsLogged(a)).toEqual([]);
    expect(errorsLogged(b)).toEqual([]);
    console.log(
      `[cluster b] seed ${seed}: ${room.acked} writes acked (${room.conflicts} version conflicts) in ${writeMs} ms, ${latencySummary(room.latencies)}; ` +
        `head ${head}; per client ${expected.map((e) => e.length).join('/')} events`,
    );
  }, 40_000);

  it('resumes a client of a SIGKILLed instance on the other one with nothing missed and nothing twice', async () => {
    const tags = ['t1', 't3'];
    const room = newRoom(prng(seed + 1));
    for (let i = 0; i < 6; i++) await publish(room, i % 2 ? b.url : a.url, `c-seed${i}`);
    const start = await settledHead([a.url, b.url]);
    const first = await track('c@A', a.url, tags, start);
    const disconnected = new Promise<void>((resolve) => first.client.socket.once('disconnect', () => resolve()));

    // Editors on both instances; those on A stop at the kill (an answer may be lost with it), B's go on.
    let killed = false;
    let stopB = false;
    let failure: unknown;
    const onA = editors(room, [a.url], 2, () => killed || failure !== undefined, 0.1, 'cA').catch((err: unknown) => {
      if (!killed) failure ??= err;
    });
    const onB = editors(room, [b.url], 2, () => stopB || failure !== undefined, 0.1, 'cB').catch((err: unknown) => {
      failure ??= err;
    });
    const ackedAtLeast = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while (room.acked < n && failure === undefined && Date.now() < deadline) await sleep(10);
      if (failure !== undefined) throw failure;
      if (room.acked < n) throw new Error(`only ${room.acked} of ${n} writes acked in time`);
    };
    await ackedAtLeast(60);
    killed = true;
    a.child.kill('SIGKILL');
    await a.exited;
    await disconnected;
    await onA;
    first.client.close();
    const cursor = first.persisted;
    expect(cursor).toBeDefined();

    // B's editors keep going: the client misses these while it is away, then it comes back on B.
    const ackedAtKill = room.acked;
    await ackedAtLeast(ackedAtKill + 60);
    const second = await track('c@B', b.url, tags, cursor);
    await ackedAtLeast(ackedAtKill + 120);
    stopB = true;
    await onB;
    if (failure !== undefined) throw failure;

    const head = await settledHead([b.url]);
    const expected = await eventsAfter(b.url, start, tags);
    const want = expected.map((e) => e.seq);
    await caughtUp([{ seqs: () => second.raw, last: want.at(-1) ?? 0 }]);

    const raw = [...first.raw, ...second.raw];
    const got = [...first.got, ...second.got].map((e) => e.seq);
    expect([...first.problems, ...second.problems]).toEqual([]);
    expectStrictlyIncreasing(raw, 'resumed client (raw)');
    expect(raw).toEqual(want);
    expect(got).toEqual(want);
    expect(first.raw.length).toBeGreaterThan(0); // it did receive live on A before the kill
    expect(second.raw.some((s) => s <= (cursor ?? 0))).toBe(false);
    expect(second.raw.length).toBeGreaterThan(0);
    expect(second.persisted).toBeGreaterThanOrEqual(want.at(-1)!);
    // The log stayed dense through the kill.
    const log = await eventsAfter(b.url, 0);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(errorsLogged(b)).toEqual([]);
    console.log(
      `[cluster c] seed ${seed}: cursor ${cursor} at the kill (${first.raw.length} received on A), ` +
        `${second.raw.length} on B after resuming; ${room.acked} writes acked, ${latencySummary(room.latencies)}, head ${head}`,
    );
  }, 25_000);
});
