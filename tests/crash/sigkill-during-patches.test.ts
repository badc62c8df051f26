/**
 * Crash test: the real server runs as a child process (`node --import tsx src/main.ts`), editors stream PATCHes
 * (and the odd publish) at it, and it is SIGKILLed at a random moment. Restarted on the same database, it must
 * have lost nothing it acknowledged and must have finished every interrupted projection:
 * - every revision that got a 2xx is in GET /api/articles/:id/revisions, unchanged; a revision that got no answer
 *   may be there only if a request was in flight for exactly that version when the process died;
 * - GET /api/articles/:id (and by slug) equals `replayRevisions` of its revisions — start-up repair worked;
 * - the event log over GET /api/events has seq dense 1..head, no seq twice, each (articleId, version) once, and
 *   each event's article is the replay of the revisions up to its version;
 * - directly in the store: projected versions equal the log's latest versions, each document equals the replay.
 *
 * A spawn costs ~1.2 s on an idle machine (module loading), so trials are chained: CHAINS databases, each taking TRIALS_PER_CHAIN kills; the server
 * restarted to verify trial k is the one trial k + 1 kills, and every verification covers all earlier trials of
 * its database too (repairs after repeated crashes). Knobs: CRASH_SEED, CRASH_CHAINS, CRASH_TRIALS_PER_CHAIN,
 * CRASH_VERBOSE=1.
 */
import mongoose from 'mongoose';
import type { Article, Revision } from '../../src/contract/articles';
import type { NewsEvent } from '../../src/contract/events';
import { replayRevisions } from '../../src/articles/revision-policy';
import { MongoArticleStore } from '../../src/store/mongo-article-store';
import { request, sampleArticle, tokenFor } from '../helpers/server';
import { testDatabaseUri } from '../helpers/test-db';
import { killChildren, sleep, startChildServer, type ChildServer } from '../helpers/child-server';
import { prng } from '../helpers/random';

const envInt = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
};
const SEED = envInt('CRASH_SEED', Date.now() % 2_147_483_647);
const CHAINS = envInt('CRASH_CHAINS', 2);
const TRIALS_PER_CHAIN = envInt('CRASH_TRIALS_PER_CHAIN', 10);
/** Articles PATCHed concurrently in a trial, one sequential writer each. */
const WRITERS = 3;
/** CRASH_VERBOSE=1 prints a line per trial. */
const VERBOSE = process.env.CRASH_VERBOSE === '1';
const KILL_MIN_MS = 50;
const KILL_MAX_MS = 800;
const READY_TIMEOUT_MS = 30_000;
const EDITOR = tokenFor('editor', 'crash-editor');

// ---------------------------------------------------------------------------------------------------------------
// child processes: each chain SIGKILLs its own in `finally`; afterAll (and worker exit) kills any left over (helpers/child-server)

type RunningServer = ChildServer;
const startServer = (mongodbUri: string) => startChildServer(mongodbUri, {}, READY_TIMEOUT_MS);

/** Start-up repairs the server reported (pino line "finished interrupted projections"). */
function repairedIn(output: string): number {
  const match = /"repaired":(\d+)/.exec(output);
  return match ? Number(match[1]) : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// content: Hindi and English, every body unique (it names chain, trial, article and version)

const PARAGRAPHS = [
  'NEW DELHI — The Election Commission announced the schedule for the assembly polls on Monday, with voting in seven phases.',
  'नई दिल्ली — चुनाव आयोग ने सोमवार को विधानसभा चुनावों का कार्यक्रम घोषित किया, मतदान सात चरणों में होगा।',
  'MUMBAI — Heavy rain flooded low-lying areas overnight; local trains ran late and schools stayed shut.',
  'मुंबई — रात भर हुई भारी बारिश से निचले इलाकों में पानी भर गया, लोकल ट्रेनें देर से चलीं और स्कूल बंद रहे।',
  'The Reserve Bank kept its policy rate unchanged and said inflation was easing faster than expected.',
  'रिज़र्व बैंक ने नीतिगत दर में कोई बदलाव नहीं किया और कहा कि महंगाई उम्मीद से तेज़ी से घट रही है।',
  'Officials said rescue teams had reached every affected village by the evening.',
  'अधिकारियों ने बताया कि शाम तक राहत दल हर प्रभावित गाँव तक पहुँच गए थे।',
];
const HEADLINES = [
  'Polls announced for three states',
  'तीन राज्यों में चुनाव की घोषणा',
  'Rain disrupts Mumbai commute',
  'मुंबई में बारिश से आवाजाही ठप',
  'RBI holds rates steady',
];
const TAGS = ['Elections', 'चुनाव', 'Mumbai', 'मौसम', 'Economy', 'अर्थव्यवस्था', 'RBI', 'India-US Trade'];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
function pickDistinct<T>(rng: () => number, list: readonly T[], n: number): T[] {
  const pool = [...list];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
  return out;
}

function publishBody(rng: () => number, label: string): Record<string, unknown> {
  return sampleArticle({
    headline: `${pick(rng, HEADLINES)} ${label}`,
    summary: pick(rng, PARAGRAPHS),
    body: `${pick(rng, PARAGRAPHS)} ${pick(rng, PARAGRAPHS)} [${label}]`,
    tags: pickDistinct(rng, TAGS, 1 + Math.floor(rng() * 3)),
    language: rng() < 0.5 ? 'hi' : 'en',
  });
}

function reviseBody(rng: () => number, label: string): { changes: Record<string, unknown>; note: string; kind: string } {
  const changes: Record<string, unknown> = { body: `${pick(rng, PARAGRAPHS)} ${pick(rng, PARAGRAPHS)} [${label}]` };
  if (rng() < 0.3) changes.headline = `${pick(rng, HEADLINES)} (${label})`;
  if (rng() < 0.3) changes.tags = pickDistinct(rng, TAGS, 1 + Math.floor(rng() * 3));
  if (rng() < 0.2) changes.summary = pick(rng, PARAGRAPHS);
  return { changes, note: rng() < 0.5 ? `update ${label}` : `संशोधन ${label}`, kind: rng() < 0.8 ? 'update' : 'correction' };
}

// ---------------------------------------------------------------------------------------------------------------
// what the client knows

/** A request that got no answer (the process died under it): it may or may not have committed. */
interface InFlight {
  /** null for a publish (its id is unknown). */
  articleId: string | null;
  /** The version the PATCH's If-Match named; 0 for a publish. */
  fromVersion: number;
  /** The body text sent; unique, so it identifies the revision if it committed. */
  body: string;
}

interface Chain {
  index: number;
  uri: string;
  /** A connection of the test's own, to look at the database directly. */
  store: MongoArticleStore;
  rng: () => number;
  /** articleId → revisions known committed: acknowledged with a 2xx, or found and verified after a restart. */
  committed: Map<string, Map<number, Revision>>;
  /** articleId → its newest known version (what the next PATCH names in If-Match). */
  versions: Map<string, number>;
  inFlight: InFlight[];
}

interface TrialStats {
  killAfterMs: number;
  acked: number;
  inFlight: number;
}

function acknowledge(chain: Chain, article: Article, revision: Revision): void {
  expect(revision.version).toBe(article.version);
  const known = chain.committed.get(article.id) ?? new Map<number, Revision>();
  expect(known.has(revision.version)).toBe(false); // a version is acknowledged once
  known.set(revision.version, revision);
  chain.committed.set(article.id, known);
  chain.versions.set(article.id, article.version);
}

async function publish(chain: Chain, url: string, label: string): Promise<void> {
  const res = await request(url, 'POST', '/api/articles', { token: EDITOR, body: publishBody(chain.rng, label) });
  if (res.status !== 201) throw new Error(`publish → ${res.status} ${JSON.stringify(res.body)}`);
  acknowledge(chain, res.body.article, res.body.revision);
}

/**
 * One acknowledged PATCH per writer first (so every trial has acknowledged writes to lose, even when the kill comes
 * early on a slow machine), then PATCHes and the odd publish stream until a SIGKILL at a random moment; returns
 * once the child is dead.
 */
async function runTrial(chain: Chain, server: RunningServer, trial: number, stats: TrialStats): Promise<void> {
  const { rng } = chain;
  const targets = pickDistinct(rng, [...chain.versions.keys()], WRITERS);
  let killed = false;

  const patchLoop = async (id: string, once = false): Promise<void> => {
    while (!killed) {
      const from = chain.versions.get(id)!;
      const body = reviseBody(rng, `c${chain.index}t${trial}-${id}-v${from + 1}`);
      let res;
      try {
        res = await request(server.url, 'PATCH', `/api/articles/${id}`, {
          token: EDITOR,
          body,
          headers: { 'if-match': `"${from}"` },
        });
      } catch (err) {
        if (!killed) throw new Error(`PATCH ${id} from v${from} failed before the kill: ${String(err)}`);
        chain.inFlight.push({ articleId: id, fromVersion: from, body: String(body.changes.body) });
        stats.inFlight++;
        return;
      }
      if (res.status !== 200) throw new Error(`PATCH ${id} from v${from} → ${res.status} ${JSON.stringify(res.body)}`);
      expect(res.body.revision.version).toBe(from + 1);
      expect(res.headers.get('etag')).toBe(`"${from + 1}"`);
      acknowledge(chain, res.body.article, res.body.revision);
      stats.acked++;
      if (once) return;
    }
  };
  await Promise.all(targets.map((id) => patchLoop(id, true)));

  const killer = sleep(stats.killAfterMs).then(() => {
    killed = true;
    server.child.kill('SIGKILL');
  });
  const publishLoop = async (): Promise<void> => {
    for (let n = 0; n < 2; n++) {
      await sleep(rng() * 500);
      if (killed) return;
      const body = publishBody(rng, `c${chain.index}t${trial}-p${n}`);
      let res;
      try {
        res = await request(server.url, 'POST', '/api/articles', { token: EDITOR, body });
      } catch (err) {
        if (!killed) throw new Error(`publish failed before the kill: ${String(err)}`);
        chain.inFlight.push({ articleId: null, fromVersion: 0, body: String(body.body) });
        stats.inFlight++;
        return;
      }
      if (res.status !== 201) throw new Error(`publish → ${res.status} ${JSON.stringify(res.body)}`);
      acknowledge(chain, res.body.article, res.body.revision);
      stats.acked++;
    }
  };

  const writers = Promise.all([...targets.map((id) => patchLoop(id)), publishLoop()]);
  const [, written] = await Promise.allSettled([killer, writers]);
  await server.exited;
  if (written.status === 'rejected') throw written.reason;
}

// ---------------------------------------------------------------------------------------------------------------
// verification after a restart

interface VerifyStats {
  events: number;
  articles: number;
  /** Unacknowledged requests found committed. */
  inFlightCommitted: number;
}

function seqProblems(seqs: readonly number[], head: number): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const [i, seq] of seqs.entries()) {
    if (seen.has(seq)) problems.push(`seq ${seq} appears twice`);
    seen.add(seq);
    if (seq !== i + 1) problems.push(`position ${i} holds seq ${seq}, expected ${i + 1}`);
    if (problems.length > 10) break;
  }
  if (seqs.length !== head) problems.push(`${seqs.length} events for head ${head}`);
  return problems;
}

const sortedEntries = (map: Map<string, number>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

async function verify(chain: Chain, url: string): Promise<VerifyStats> {
  // The log, paged at the API's maximum of 1,000.
  const events: NewsEvent[] = [];
  let head = -1;
  for (let after = 0; ; ) {
    const res = await request(url, 'GET', `/api/events?after=${after}&limit=1000`);
    expect(res.status).toBe(200);
    if (head < 0) head = res.body.head;
    else expect(res.body.head).toBe(head);
    const items = res.body.items as NewsEvent[];
    events.push(...items);
    if (items.length === 0) break;
    after = items[items.length - 1]!.seq;
    if (after >= head) break;
  }
  expect(seqProblems(events.map((e) => e.seq), head)).toEqual([]);
  const keys = events.map((e) => `${e.articleId}:${e.version}`);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);

  const byArticle = new Map<string, NewsEvent[]>();
  for (const event of events) byArticle.set(event.articleId, [...(byArticle.get(event.articleId) ?? []), event]);
  expect([...chain.committed.keys()].filter((id) => !byArticle.has(id))).toEqual([]);

  const expected = new Map<string, Article>();
  const unclaimed = [...chain.inFlight];
  let inFlightCommitted = 0;
  for (const [id, articleEvents] of byArticle) {
    const res = await request(url, 'GET', `/api/articles/${id}/revisions`);
    expect(res.status).toBe(200);
    const revisions = res.body.items as Revision[];
    const n = revisions.length;
    expect(revisions.map((r) => r.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(articleEvents.map((e) => e.version).sort((a, b) => a - b)).toEqual(revisions.map((r) => r.version));

    // Nothing acknowledged is lost or altered…
    const known = chain.committed.get(id) ?? new Map<number, Revision>();
    for (const [version, revision] of known) {
      expect({ id, version, revision: revisions[version - 1] }).toEqual({ id, version, revision });
    }
    // …and nothing unacknowledged is there unless a request for exactly that version was in flight.
    for (const revision of revisions) {
      if (known.has(revision.version)) continue;
      const body = revision.changes.find((c) => c.field === 'body')?.after;
      const claim = unclaimed.findIndex(
        (f) =>
          f.body.normalize('NFC') === body &&
          (revision.version === 1 ? f.articleId === null : f.articleId === id && f.fromVersion === revision.version - 1),
      );
      if (claim < 0) {
        throw new Error(`revision ${revision.version} of ${id} was never acknowledged and no request for it was in flight`);
      }
      unclaimed.splice(claim, 1);
      inFlightCommitted++;
    }

    const slug = articleEvents.find((e) => e.version === 1)!.article.slug;
    for (const event of articleEvents) {
      expect(event.revision).toEqual(revisions[event.version - 1]);
      expect(event.article).toEqual(replayRevisions(id, slug, revisions.slice(0, event.version)));
    }

    // The projection was repaired: the article served is the replay of its revisions.
    const article = replayRevisions(id, slug, revisions);
    expected.set(id, article);
    const byId = await request(url, 'GET', `/api/articles/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.article).toEqual(article);
    expect(byId.headers.get('etag')).toBe(`"${n}"`);
    const bySlug = await request(url, 'GET', `/api/articles/${encodeURIComponent(slug)}`);
    expect(bySlug.body.article).toEqual(article);

    chain.committed.set(id, new Map(revisions.map((r) => [r.version, r])));
    chain.versions.set(id, n);
  }

  // The store itself: every document at its log's latest version and equal to the replay.
  const { store } = chain;
  const [{ latestVersions: latest }, projected] = await Promise.all([store.logSummary(), store.projectedVersions()]);
  expect(sortedEntries(projected)).toEqual(sortedEntries(latest));
  expect(latest.size).toBe(byArticle.size);
  for (const [id, article] of expected) expect(await store.findArticle(id)).toEqual(article);

  chain.inFlight = []; // the ones not found never committed (and never will: their process is gone)
  return { events: events.length, articles: byArticle.size, inFlightCommitted };
}

// ---------------------------------------------------------------------------------------------------------------

describe('SIGKILL during PATCH streams', () => {
  const uris: string[] = [];
  const totals = { trials: 0, acked: 0, inFlight: 0, inFlightCommitted: 0, repaired: 0, trialsWithRepair: 0, restartMs: 0, verifyMs: 0 };

  afterAll(async () => {
    killChildren();
    console.log(
      `crash suite (CRASH_SEED=${SEED}): ${totals.trials} SIGKILLs verified; ${totals.acked} acknowledged writes found intact; ` +
        `${totals.inFlight} without an answer, ${totals.inFlightCommitted} of them committed; start-up repaired ` +
        `${totals.repaired} projections in ${totals.trialsWithRepair} of ${totals.trials} restarts; ` +
        `restarts took ${(totals.restartMs / 1000).toFixed(1)} s, verifications ${(totals.verifyMs / 1000).toFixed(1)} s`,
    );
    for (const uri of uris) {
      const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5_000 }).asPromise();
      try {
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    }
  }, 60_000);

  // Chains run side by side (each has its own database and child): a spawn is mostly one busy core.
  it.concurrent.each(Array.from({ length: CHAINS }, (_, i) => i + 1))(
    `chain %i: ${TRIALS_PER_CHAIN} kills at random moments lose nothing acknowledged and restart repaired`,
    async (index) => {
      const uri = testDatabaseUri(`crash_${index}`);
      uris.push(uri);
      const chain: Chain = {
        index,
        uri,
        store: await MongoArticleStore.connect(uri),
        rng: prng(SEED + index * 7_919),
        committed: new Map(),
        versions: new Map(),
        inFlight: [],
      };
      let server: RunningServer | undefined;
      try {
        server = await startServer(uri);
        for (let i = 0; i < WRITERS; i++) await publish(chain, server.url, `c${index}-seed${i}`);

        for (let trial = 1; trial <= TRIALS_PER_CHAIN; trial++) {
          const stats: TrialStats = {
            killAfterMs: KILL_MIN_MS + Math.floor(chain.rng() * (KILL_MAX_MS - KILL_MIN_MS + 1)),
            acked: 0,
            inFlight: 0,
          };
          try {
            await runTrial(chain, server, trial, stats);
            const t0 = Date.now();
            server = await startServer(uri);
            const t1 = Date.now();
            const verified = await verify(chain, server.url);
            const repaired = repairedIn(server.output());
            totals.restartMs += t1 - t0;
            totals.verifyMs += Date.now() - t1;
            if (VERBOSE) {
              process.stderr.write(
                `chain ${index} trial ${trial}: killed after ${stats.killAfterMs} ms, ${stats.acked} acked, ` +
                  `${stats.inFlight} in flight (${verified.inFlightCommitted} committed), repaired ${repaired}; ` +
                  `restart ${t1 - t0} ms, verify ${Date.now() - t1} ms (${verified.articles} articles, ${verified.events} events)\n`,
              );
            }
            totals.trials++;
            totals.acked += stats.acked;
            totals.inFlight += stats.inFlight;
            totals.inFlightCommitted += verified.inFlightCommitted;
            totals.repaired += repaired;
            if (repaired > 0) totals.trialsWithRepair++;
          } catch (err) {
            const context = `chain ${index} trial ${trial} (CRASH_SEED=${SEED}, SIGKILL after ${stats.killAfterMs} ms)`;
            const detail = err instanceof Error ? err.message : String(err);
            throw new Error(`${context}: ${detail}\n--- server output ---\n${server.output()}`, { cause: err });
          }
        }
      } finally {
        if (server && server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill('SIGKILL');
          await server.exited;
        }
        await chain.store.close();
      }
    },
    // ~40 s per chain on an idle 2-core machine; the margin is for a machine shared with other test runs
    60_000 + TRIALS_PER_CHAIN * 40_000,
  );
});
