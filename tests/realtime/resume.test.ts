/**
 * Resuming after a gap: a client that was away gets exactly the matching events it missed — in strictly increasing
 * seq order, none twice, nothing that does not match — whether the gap is served from the in-memory window or from
 * the log, including events committed while it reconnects, and whether it resumes on the same socket or from a
 * cursor persisted by an earlier session. Real server, real FerretDB, real socket.io-client through the SDK.
 */
import { connectDateline, type DatelineClient, type NewsEvent, type SubscribeAck } from '../../sdk';
import type { AppConfig } from '../../src/app';
import { sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';

const editor = tokenFor('editor');

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What one client saw: `raw` straight off the socket (before the SDK's de-duplication), `sdk` via the SDK. */
interface Seen {
  raw: NewsEvent[];
  sdk: NewsEvent[];
}

function watch(client: DatelineClient): Seen {
  const seen: Seen = { raw: [], sdk: [] };
  client.socket.on('news', (event) => seen.raw.push(event));
  client.on('news', (event) => seen.sdk.push(event));
  return seen;
}

function subscribedOnce(client: DatelineClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    client.on('subscribed', (ack) => {
      if (done) return;
      done = true;
      if (ack.ok) resolve();
      else reject(new Error(`subscribe failed: ${JSON.stringify(ack)}`));
    });
  });
}

/** An editor's desk: publishes, revises and retracts over HTTP, remembering each article's version. */
class Desk {
  private readonly versions = new Map<string, number>();
  private edits = 0;

  constructor(private readonly server: TestServer) {}

  async publish(tags: string[]): Promise<string> {
    const res = await this.server.request('POST', '/api/articles', {
      token: editor,
      body: sampleArticle({ tags, headline: `Story ${++this.edits} on ${tags.join(' and ')}` }),
    });
    if (res.status !== 201) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body)}`);
    this.versions.set(res.body.article.id, res.body.article.version);
    return res.body.article.id;
  }

  async revise(id: string, changes: Record<string, unknown> = {}, kind: 'update' | 'correction' = 'update'): Promise<void> {
    const version = this.versions.get(id);
    if (version === undefined) throw new Error(`unknown article ${id}`);
    const res = await this.server.request('PATCH', `/api/articles/${id}`, {
      token: editor,
      headers: { 'if-match': `"${version}"` },
      body: { changes: { body: `Revised text number ${++this.edits}.`, ...changes }, note: `edit ${this.edits}`, kind },
    });
    if (res.status !== 200) throw new Error(`revise: ${res.status} ${JSON.stringify(res.body)}`);
    this.versions.set(id, res.body.article.version);
  }

  async retract(id: string): Promise<void> {
    const res = await this.server.request('POST', `/api/articles/${id}/retract`, {
      token: editor,
      body: { reason: 'The report could not be verified.' },
    });
    if (res.status !== 200) throw new Error(`retract: ${res.status} ${JSON.stringify(res.body)}`);
    this.versions.set(id, res.body.article.version);
  }
}

/** The log's own answer: every event after `after` that matches `tags`, via GET /api/events. */
async function logAfter(server: TestServer, after: number, tags: string[]): Promise<{ items: NewsEvent[]; head: number }> {
  const res = await server.request('GET', `/api/events?after=${after}&tags=${tags.map(encodeURIComponent).join(',')}&limit=1000`);
  expect(res.status).toBe(200);
  return res.body;
}

async function head(server: TestServer): Promise<number> {
  return (await logAfter(server, 0, [])).head;
}

function expectStrictlyIncreasing(events: readonly NewsEvent[]): void {
  const seqs = events.map((e) => e.seq);
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) throw new Error(`seq order broken at index ${i}: ${seqs.join(',')}`);
  }
  expect(new Set(seqs).size).toBe(seqs.length);
}

/** Each event of `events` names one of `tags` (before or after its change). */
function expectAllMatch(events: readonly NewsEvent[], tags: readonly string[]): void {
  const strays = events.filter((e) => !e.tags.some((t) => tags.includes(t)));
  expect(strays.map((e) => ({ seq: e.seq, tags: e.tags }))).toEqual([]);
}

/**
 * The gap scenario shared by the window and log variants. `rounds` rounds of 30 events each (15 matching A or B,
 * 15 not), publishes, revisions, tag moves and a retraction interleaved, while the client is disconnected; then
 * 10 more matching ones (publishes and revisions) are started without waiting and the client reconnects.
 */
async function gapScenario(server: TestServer, label: string, rounds: number): Promise<{ gap: number }> {
  const A = `${label}-alpha`;
  const B = `${label}-beta`;
  const OTHER = `${label}-other`;
  const desk = new Desk(server);
  // The SDK is given one raw spelling: the server normalizes it to A.
  const client = connectDateline({ url: server.url, tags: [`${label.toUpperCase()} Alpha`, B] });
  clients.push(client);
  const seen = watch(client);
  await subscribedOnce(client);

  // Live, before the gap.
  const a1 = await desk.publish([A]);
  const b1 = await desk.publish([B]);
  const o1 = await desk.publish([OTHER]);
  await desk.revise(a1);
  await waitUntil(() => seen.sdk.length === 3, 'the 3 live events before the gap');
  expect(seen.sdk.map((e) => [e.articleId, e.version])).toEqual([[a1, 1], [b1, 1], [a1, 2]]);

  client.socket.disconnect();
  const cursor = client.lastSeq!;
  expect(cursor).toBe(seen.sdk[2]!.seq);
  seen.raw.length = 0;
  seen.sdk.length = 0;

  // The gap: per round 15 matching (M) and 15 non-matching (N) events, interleaved.
  let matchingInGap = 0;
  let lastM2 = '';
  for (let round = 0; round < rounds; round++) {
    const m1 = await desk.publish([A]); // M: right after the cursor, so an off-by-one resume would lose it
    const o2 = await desk.publish([OTHER, `${label}-gamma`]); // N
    const m2 = await desk.publish([B, OTHER]); // M: one of its tags matches
    await desk.revise(o1); // N
    await desk.revise(a1); // M
    const o3 = await desk.publish([OTHER]); // N
    const m3 = await desk.publish([A, B]); // M: in both rooms, must still come once
    await desk.revise(o2); // N
    await desk.revise(b1, { headline: `Beta headline, round ${round}` }); // M
    const o4 = await desk.publish([OTHER]); // N
    const moverIn = await desk.publish([OTHER]); // N
    await desk.revise(moverIn, { tags: [OTHER, A] }); // M: joins A
    await desk.revise(o3); // N
    await desk.revise(m1, { tags: [OTHER] }); // M: leaves A (the event names A, so A's followers learn it left)
    await desk.revise(m1); // N: m1 is no longer in A or B
    await desk.revise(a1, {}, 'correction'); // M
    await desk.publish([OTHER]); // N
    await desk.publish([B]); // M
    await desk.revise(o4); // N
    await desk.revise(m2); // M
    await desk.publish([`${label}-gamma`]); // N
    await desk.revise(moverIn); // M: now in A
    await desk.revise(o2); // N
    await desk.retract(m3); // M
    await desk.publish([OTHER]); // N
    await desk.publish([A]); // M
    await desk.revise(o1); // N
    await desk.revise(b1); // M
    await desk.revise(o3); // N
    await desk.publish([B]); // M
    matchingInGap += 15;
    lastM2 = m2;
  }
  const gap = (await head(server)) - cursor;
  expect(gap).toBe(30 * rounds);

  const acks: SubscribeAck[] = [];
  client.on('subscribed', (ack) => acks.push(ack));

  // 10 matching events race the reconnect: started, not awaited, then connect.
  const racing = [
    desk.publish([A]),
    desk.publish([B]),
    desk.revise(a1),
    desk.publish([A, OTHER]),
    desk.revise(b1),
    desk.publish([B]),
    desk.revise(lastM2),
    desk.publish([A]),
    desk.revise(o1, { tags: [OTHER, B] }),
    desk.publish([B, `${label}-gamma`]),
  ];
  client.socket.connect();
  await Promise.all(racing);
  const expectedCount = matchingInGap + racing.length;

  // A last matching event: delivery is in seq order, so once it is here everything before it has been sent.
  const sentinel = await desk.publish([A]);
  await waitUntil(() => seen.raw.some((e) => e.articleId === sentinel), 'the sentinel event');

  const fromLog = (await logAfter(server, cursor, [A, B])).items;
  expect(fromLog).toHaveLength(expectedCount + 1);
  expect(fromLog[fromLog.length - 1]!.articleId).toBe(sentinel);
  expect(seen.raw.slice(0, -1)).toHaveLength(expectedCount);

  // Straight off the socket: the server sent each missed matching event exactly once, in order, nothing else.
  expectStrictlyIncreasing(seen.raw);
  expectAllMatch(seen.raw, [A, B]);
  expect(seen.raw.map((e) => e.seq)).toEqual(fromLog.map((e) => e.seq));
  expect(seen.raw).toEqual(fromLog);
  // And the SDK handed every one of them to the app.
  expect(seen.sdk.map((e) => e.seq)).toEqual(fromLog.map((e) => e.seq));
  expect(client.lastSeq).toBeGreaterThanOrEqual(fromLog[fromLog.length - 1]!.seq);
  // One resubscribe; it replayed at least the gap's matching events and at most those plus the racing ones.
  expect(acks).toHaveLength(1);
  const ack = acks[0]!;
  if (!ack.ok) throw new Error(`resubscribe failed: ${JSON.stringify(ack)}`);
  expect(ack.replayed).toBeGreaterThanOrEqual(matchingInGap);
  expect(ack.replayed).toBeLessThanOrEqual(expectedCount);
  expect(ack.tags.sort()).toEqual([A, B]);
  return { gap };
}

const clients: DatelineClient[] = [];
afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
});

describe('resume from the in-memory window', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('resume_window');
  });
  afterAll(async () => {
    await server.close();
  });

  it('after a gap of 30 events (15 matching) and 10 matching published during the reconnect, gets exactly the 25', async () => {
    const { gap } = await gapScenario(server, 'win', 1);
    expect(gap).toBeLessThan(1_000); // well inside the default 1,000-event window
  });

  it('a new client started from the cursor persisted by onLastSeq gets exactly the missed events', async () => {
    const storage = new Map<string, string>(); // stands in for AsyncStorage / localStorage
    const desk = new Desk(server);
    const [C, D, OTHER] = ['persist-c', 'persist-d', 'persist-other'];
    const first = connectDateline({
      url: server.url,
      tags: [C, D],
      onLastSeq: (seq) => storage.set('dateline.lastSeq', String(seq)),
    });
    clients.push(first);
    const firstSeen = watch(first);
    await subscribedOnce(first);
    expect(storage.get('dateline.lastSeq')).toBe(String(first.lastSeq)); // the ack's head is persisted too

    const c1 = await desk.publish([C]);
    await desk.publish([OTHER]);
    const d1 = await desk.publish([D]);
    await waitUntil(() => firstSeen.sdk.length === 2, 'the first session\'s 2 events');
    expect(firstSeen.sdk.map((e) => e.articleId)).toEqual([c1, d1]);
    expect(storage.get('dateline.lastSeq')).toBe(String(firstSeen.sdk[1]!.seq));
    first.close(); // the app is killed
    const persisted = Number(storage.get('dateline.lastSeq'));

    // 12 events while the app is closed: 6 matching, 6 not.
    await desk.publish([C]);
    const o1 = await desk.publish([OTHER]);
    await desk.revise(o1);
    await desk.revise(c1);
    await desk.publish([OTHER, 'persist-elsewhere']);
    await desk.publish([C, D]);
    await desk.revise(o1);
    await desk.revise(d1, { headline: 'D story, revised' });
    const o2 = await desk.publish([OTHER]);
    await desk.revise(d1, { tags: [OTHER] }); // leaves D: matching
    await desk.revise(o2);
    await desk.publish([D]);

    const second = connectDateline({
      url: server.url,
      tags: [C, D],
      lastSeq: persisted,
      onLastSeq: (seq) => storage.set('dateline.lastSeq', String(seq)),
    });
    clients.push(second);
    const seen = watch(second);
    const acks: unknown[] = [];
    second.on('subscribed', (ack) => acks.push(ack));
    await waitUntil(() => acks.length === 1, 'the resumed subscribe ack');

    const missed = (await logAfter(server, persisted, [C, D])).items;
    expect(missed).toHaveLength(6);
    expect(acks[0]).toMatchObject({ ok: true, replayed: 6 });
    expectStrictlyIncreasing(seen.raw);
    expect(seen.raw).toEqual(missed);
    expect(seen.sdk).toEqual(missed);
    const { head: headNow } = await logAfter(server, persisted, []);
    expect(storage.get('dateline.lastSeq')).toBe(String(headNow));

    // And it is live from there on.
    const live = await desk.publish([D]);
    await waitUntil(() => seen.sdk.length === 7, 'the live event after resuming');
    expect(seen.sdk[6]!.articleId).toBe(live);
    expect(seen.raw).toHaveLength(7);
    expect(storage.get('dateline.lastSeq')).toBe(String(seen.sdk[6]!.seq));
  });
});

describe('resume from the log, past the in-memory window', () => {
  const recentEvents = 100;
  let server: TestServer;
  beforeAll(async () => {
    const overrides: Partial<AppConfig> = { recentEvents };
    server = await startTestServer('resume_log', overrides);
  });
  afterAll(async () => {
    await server.close();
  });

  it('a gap larger than the window (150 events, 75 matching) plus 10 racing the reconnect is just as exact', async () => {
    const { gap } = await gapScenario(server, 'log', 5);
    // The window keeps at most 1.25 × recentEvents: a gap of 150 events cannot have been served from it.
    expect(gap).toBeGreaterThan(recentEvents * 1.25);
  }, 90_000);
});
