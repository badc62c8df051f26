/**
 * Retention: a cursor further back than the log keeps (eventRetention) gets a `resync` with the subscription's latest
 * articles instead of a replay with a silent gap; a cursor within retention replays normally. Real server, real
 * FerretDB, real socket.io-client through the SDK.
 */
import { connectDateline, type Article, type DatelineClient, type NewsEvent, type Resync, type SubscribeAck } from '../../sdk';
import { sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';

const editor = tokenFor('editor');
const RETENTION = 5;

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('resume past the event retention', () => {
  let server: TestServer;
  const clients: DatelineClient[] = [];
  const versions = new Map<string, number>();

  beforeAll(async () => {
    server = await startTestServer('retention', { eventRetention: RETENTION });
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
  });
  afterAll(async () => {
    await server.close();
  });

  const publish = async (tags: string[]): Promise<string> => {
    const res = await server.request('POST', '/api/articles', { token: editor, body: sampleArticle({ tags }) });
    expect(res.status).toBe(201);
    versions.set(res.body.article.id, res.body.article.version);
    return res.body.article.id;
  };
  const revise = async (id: string, body: string): Promise<void> => {
    const res = await server.request('PATCH', `/api/articles/${id}`, {
      token: editor,
      headers: { 'if-match': `"${versions.get(id)}"` },
      body: { changes: { body }, note: 'Update' },
    });
    expect(res.status).toBe(200);
    versions.set(id, res.body.article.version);
  };
  const head = async (): Promise<number> => {
    const res = await server.request('GET', '/api/events?after=0&limit=1');
    expect(res.status).toBe(200);
    return res.body.head;
  };

  /** A client resuming from `lastSeq`, recording everything it is sent, raw and through the SDK. */
  const resumeFrom = async (lastSeq: number, tags: string[]) => {
    const client = connectDateline({ url: server.url, tags, lastSeq });
    clients.push(client);
    const seen = { raw: [] as NewsEvent[], news: [] as NewsEvent[], resyncs: [] as Resync[], acks: [] as SubscribeAck[] };
    client.socket.on('news', (e) => seen.raw.push(e));
    client.on('news', (e) => seen.news.push(e));
    client.on('resync', (r) => seen.resyncs.push(r));
    client.on('subscribed', (ack) => seen.acks.push(ack));
    await waitUntil(() => seen.acks.length === 1, 'the resume ack');
    return { client, seen };
  };

  it('a cursor older than head - retention gets resync { RETENTION_EXCEEDED, head, latest articles } and no replay', async () => {
    const [T, U, OTHER] = ['ret-old-t', 'ret-old-u', 'ret-old-other'];
    const t1 = await publish([T]);
    const u1 = await publish([U]);
    await publish([OTHER]);
    const cursor = await head();
    // RETENTION + 1 events after the cursor: the oldest one it needs is no longer promised.
    const t2 = await publish([T]);
    await revise(t1, 'T1, revised after the cursor.');
    await publish([OTHER]);
    const tu = await publish([T, U]);
    await revise(u1, 'U1, revised after the cursor.');
    await publish([OTHER]);
    const headNow = await head();
    expect(headNow - cursor).toBe(RETENTION + 1);

    const { client, seen } = await resumeFrom(cursor, [T, U]);

    expect(seen.resyncs).toHaveLength(1);
    const resync = seen.resyncs[0]!;
    expect(resync.reason).toBe('RETENTION_EXCEEDED');
    expect(resync.head).toBe(headNow);
    // The items are the subscription's latest articles, as the articles API lists them, current versions.
    const latest = new Map<string, Article>();
    for (const tag of [T, U]) {
      const res = await server.request('GET', `/api/articles?tag=${tag}&limit=20`);
      expect(res.status).toBe(200);
      for (const a of res.body.items as Article[]) latest.set(a.id, a);
    }
    expect(new Set(latest.keys())).toEqual(new Set([t1, u1, t2, tu]));
    const byId = (items: readonly Article[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(resync.items)).toEqual(byId([...latest.values()]));
    expect(resync.items.find((a) => a.id === t1)!.version).toBe(2);
    expect(resync.items.find((a) => a.id === u1)!.version).toBe(2);
    for (let i = 1; i < resync.items.length; i++) {
      expect(resync.items[i - 1]!.publishedAt >= resync.items[i]!.publishedAt).toBe(true); // newest first
    }
    // No silent gap: nothing of the too-old part is replayed as news.
    expect(seen.acks[0]).toEqual({ ok: true, tags: [T, U], articles: [], head: headNow, replayed: 0 });
    expect(seen.raw).toEqual([]);
    expect(client.lastSeq).toBe(headNow);

    // Live from the resync's head on.
    const t3 = await publish([T]);
    await waitUntil(() => seen.news.length === 1, 'the live event after the resync');
    expect(seen.news[0]!.articleId).toBe(t3);
    expect(seen.news[0]!.seq).toBe(headNow + 1);
    expect(seen.raw).toHaveLength(1);
    expect(seen.resyncs).toHaveLength(1);
  });

  it('a cursor exactly at head - retention still replays normally, without a resync', async () => {
    const [T, OTHER] = ['ret-edge-t', 'ret-edge-other'];
    const t1 = await publish([T]);
    const cursor = await head();
    const t2 = await publish([T]);
    await publish([OTHER]);
    await revise(t1, 'Edge T1, revised.');
    await publish([OTHER]);
    const t3 = await publish([T]);
    const headNow = await head();
    expect(headNow - cursor).toBe(RETENTION);

    const { seen } = await resumeFrom(cursor, [T]);
    const missed = await server.request('GET', `/api/events?after=${cursor}&tags=${T}`);
    expect(missed.body.items.map((e: NewsEvent) => [e.articleId, e.version])).toEqual([[t2, 1], [t1, 2], [t3, 1]]);
    expect(seen.raw).toEqual(missed.body.items);
    expect(seen.news).toEqual(missed.body.items);
    expect(seen.resyncs).toEqual([]);
    expect(seen.acks[0]).toEqual({ ok: true, tags: [T], articles: [], head: headNow, replayed: 3 });
  });

  it('a short gap well within retention replays exactly the matching events', async () => {
    const [T, OTHER] = ['ret-short-t', 'ret-short-other'];
    const client = connectDateline({ url: server.url, tags: [T] });
    clients.push(client);
    const raw: NewsEvent[] = [];
    const resyncs: Resync[] = [];
    client.socket.on('news', (e) => raw.push(e));
    client.on('resync', (r) => resyncs.push(r));
    const acks: SubscribeAck[] = [];
    client.on('subscribed', (ack) => acks.push(ack));
    await waitUntil(() => acks.length === 1, 'the first ack');
    const t1 = await publish([T]);
    await waitUntil(() => raw.length === 1, 'the live event');

    client.socket.disconnect();
    const cursor = client.lastSeq!;
    expect(cursor).toBe(raw[0]!.seq);
    await publish([OTHER]);
    await revise(t1, 'Short gap revision.');
    const t2 = await publish([T]);
    client.socket.connect();
    await waitUntil(() => acks.length === 2, 'the resume ack');

    const missed = await server.request('GET', `/api/events?after=${cursor}&tags=${T}`);
    expect(missed.body.items.map((e: NewsEvent) => [e.articleId, e.version])).toEqual([[t1, 2], [t2, 1]]);
    expect(raw.slice(1)).toEqual(missed.body.items);
    expect(resyncs).toEqual([]);
    expect(acks[1]).toMatchObject({ ok: true, replayed: 2 });
  });
});
