/**
 * The socket contract as a raw client sees it (typed with the contract's own event maps): validation of subscribe
 * payloads with catalog codes and a socket that stays usable, handshake auth, the per-socket rate limit,
 * unsubscribe, and what a subscribe ack carries. Real server, real FerretDB, real socket.io-client.
 */
import { io, type Socket } from 'socket.io-client';
import type { NewsEvent } from '../../src/contract/events';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../../src/contract/socket';
import { TEST_JWT_SECRET, sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';
import { signToken } from '../../src/auth/tokens';

type ContractSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const editor = tokenFor('editor');

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sockets: ContractSocket[] = [];
afterEach(() => {
  sockets.splice(0).forEach((s) => s.close());
});

function open(server: TestServer, auth: Record<string, unknown> = {}): ContractSocket {
  const socket: ContractSocket = io(server.url, { transports: ['websocket'], reconnection: false, auth, timeout: 5_000 });
  sockets.push(socket);
  return socket;
}

/** Resolves once connected; rejects with the connect_error. */
function connected(socket: ContractSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

async function connect(server: TestServer, auth: Record<string, unknown> = {}): Promise<ContractSocket> {
  const socket = open(server, auth);
  await connected(socket);
  return socket;
}

/** Sends any payload, as a misbehaving client would; the typed socket would not let us. */
function subscribeRaw(socket: ContractSocket, payload: unknown): Promise<SubscribeAck> {
  return (socket as unknown as Socket).timeout(5_000).emitWithAck('subscribe', payload);
}

function subscribe(socket: ContractSocket, request: Parameters<ClientToServerEvents['subscribe']>[0]): Promise<SubscribeAck> {
  return socket.timeout(5_000).emitWithAck('subscribe', request);
}

function expectRefused(ack: SubscribeAck, code: string): void {
  expect(ack.ok).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(typeof ack.error.message).toBe('string');
  expect(ack.error.message.length).toBeGreaterThan(0);
}

async function publish(server: TestServer, tags: string[]): Promise<string> {
  const res = await server.request('POST', '/api/articles', { token: editor, body: sampleArticle({ tags }) });
  expect(res.status).toBe(201);
  return res.body.article.id;
}

async function headOf(server: TestServer): Promise<number> {
  const res = await server.request('GET', '/api/events?after=0&limit=1');
  expect(res.status).toBe(200);
  return res.body.head;
}

describe('subscribe contract', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('subscribe_contract');
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses malformed subscribe payloads with VALIDATION_FAILED and the socket stays usable', async () => {
    const socket = await connect(server);
    expectRefused(await subscribeRaw(socket, { tags: ['contract-x'], bogus: true }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { tags: 'contract-x' }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { tags: [42] }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { tags: [''] }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { tags: ['   '] }), 'VALIDATION_FAILED'); // empty once normalized
    expectRefused(await subscribeRaw(socket, { after: -1 }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { after: 1.5 }), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, 'contract-x'), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, null), 'VALIDATION_FAILED');
    expectRefused(await subscribeRaw(socket, { articles: ['not an article id'] }), 'VALIDATION_FAILED');
    const fiftyOne = Array.from({ length: 51 }, (_, i) => `contract-many-${i}`);
    expectRefused(await subscribeRaw(socket, { tags: fiftyOne }), 'VALIDATION_FAILED');
    expect(socket.connected).toBe(true);

    // None of the refused requests subscribed anything; a valid one still works on the same socket.
    const ack = await subscribe(socket, { tags: ['contract-valid'] });
    expect(ack).toEqual({ ok: true, tags: ['contract-valid'], articles: [], head: await headOf(server), replayed: 0 });
    const news: NewsEvent[] = [];
    socket.on('news', (e) => news.push(e));
    const id = await publish(server, ['contract-valid']);
    await waitUntil(() => news.length === 1, 'the event on the valid subscription');
    expect(news[0]!.articleId).toBe(id);
  });

  it('refuses going past 50 tags across calls with SUBSCRIPTION_LIMIT, keeping what was subscribed', async () => {
    const socket = await connect(server);
    const first = Array.from({ length: 30 }, (_, i) => `contract-limit-${i}`);
    const ack = await subscribe(socket, { tags: first });
    expect(ack.ok && ack.tags.length).toBe(30);
    const more = Array.from({ length: 21 }, (_, i) => `contract-limit-more-${i}`);
    expectRefused(await subscribe(socket, { tags: more }), 'SUBSCRIPTION_LIMIT');
    // Re-naming already followed tags does not count twice; up to exactly 50 is fine.
    const fill = await subscribe(socket, { tags: [...first.slice(0, 5), ...more.slice(0, 20)] });
    expect(fill.ok && fill.tags.length).toBe(50);
    expectRefused(await subscribe(socket, { tags: ['contract-limit-one-too-many'] }), 'SUBSCRIPTION_LIMIT');
    expect(socket.connected).toBe(true);
    const news: NewsEvent[] = [];
    socket.on('news', (e) => news.push(e));
    await publish(server, ['contract-limit-one-too-many']);
    const id = await publish(server, [more[19]!]);
    await waitUntil(() => news.length >= 1, 'the event on a followed tag');
    expect(news.map((e) => e.articleId)).toEqual([id]); // the refused tag was not joined
  });

  it('refuses an invalid token at the handshake with connect_error UNAUTHENTICATED', async () => {
    const bad = [
      'not-a-jwt',
      signToken({ sub: 'mallory', role: 'editor' }, 'another-secret-that-is-long-enough-0123456789'),
      signToken({ sub: 'late', role: 'reader' }, TEST_JWT_SECRET, -60), // expired
      12345,
    ];
    for (const token of bad) {
      const socket = open(server, { token });
      const err = await connected(socket).then(
        () => new Error('connected with an invalid token'),
        (e: Error & { data?: unknown }) => e,
      );
      expect(err.message).toMatch(/^UNAUTHENTICATED/);
      expect((err as { data?: unknown }).data).toEqual({ code: 'UNAUTHENTICATED' });
      expect(socket.connected).toBe(false);
    }
  });

  it('accepts a valid reader token and no token at all', async () => {
    for (const auth of [{ token: tokenFor('reader', 'reader-7') }, {}, { token: '' }]) {
      const socket = await connect(server, auth);
      expect(socket.connected).toBe(true);
      const ack = await subscribe(socket, { tags: ['contract-auth'] });
      expect(ack.ok).toBe(true);
    }
  });

  it('unsubscribe stops delivery for that tag and keeps the others', async () => {
    const [X, Y] = ['contract-unsub-x', 'contract-unsub-y'];
    const socket = await connect(server);
    const news: NewsEvent[] = [];
    socket.on('news', (e) => news.push(e));
    expect(await subscribe(socket, { tags: [X, Y] })).toMatchObject({ ok: true, tags: [X, Y] });
    const x1 = await publish(server, [X]);
    await waitUntil(() => news.length === 1, 'the event on X');
    expect(news[0]!.articleId).toBe(x1);

    const unsub = await socket.timeout(5_000).emitWithAck('unsubscribe', { tags: ['Contract Unsub X'] });
    expect(unsub).toEqual({ ok: true, tags: [Y], articles: [] });
    await publish(server, [X]);
    const y1 = await publish(server, [Y]);
    // Delivery is in seq order: once Y's later event is here, X's earlier one would have been too.
    await waitUntil(() => news.length >= 2, 'the event on Y');
    expect(news.map((e) => e.articleId)).toEqual([x1, y1]);
  });

  it('the ack carries normalized tags, the head, and how many events were replayed', async () => {
    const socket = await connect(server);
    const live = await subscribe(socket, { tags: ['India-US Trade', '  Lok  Sabha '] });
    const head0 = await headOf(server);
    expect(live).toEqual({ ok: true, tags: ['india-us-trade', 'lok-sabha'], articles: [], head: head0, replayed: 0 });

    const a = await publish(server, ['India-US Trade']);
    await publish(server, ['contract-elsewhere']);
    const b = await publish(server, ['lok sabha', 'Delhi']);
    const head1 = await headOf(server);
    expect(head1).toBe(head0 + 3);

    const resumed = await connect(server);
    const replay: NewsEvent[] = [];
    resumed.on('news', (e) => replay.push(e));
    const ack = await subscribe(resumed, { tags: ['INDIA-US trade', 'Lok Sabha'], after: head0 });
    expect(ack).toEqual({ ok: true, tags: ['india-us-trade', 'lok-sabha'], articles: [], head: head1, replayed: 2 });
    // The replay was sent before the ack.
    expect(replay.map((e) => e.articleId)).toEqual([a, b]);

    // Articles can be followed by id; the ack lists them with the tags already followed.
    const byArticle = await subscribe(resumed, { articles: [a] });
    expect(byArticle).toEqual({ ok: true, tags: ['india-us-trade', 'lok-sabha'], articles: [a], head: head1, replayed: 0 });
  });
});

describe('per-socket rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('subscribe_rate', {
      realtime: { maxSocketBufferBytes: 1024 * 1024, maxReplayBuffer: 10_000, eventBurst: 3, eventsPerSecond: 1 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers RATE_LIMITED past the burst, per socket, and allows again once refilled', async () => {
    const socket = await connect(server);
    // Sent back to back (the server handles them within milliseconds; the refill is 1 per second).
    const [a, b, c, over, unsub] = await Promise.all([
      subscribe(socket, { tags: ['rate-0'] }),
      subscribe(socket, { tags: ['rate-1'] }),
      subscribe(socket, { tags: ['rate-2'] }),
      subscribe(socket, { tags: ['rate-over'] }),
      socket.timeout(5_000).emitWithAck('unsubscribe', { tags: ['rate-0'] }), // same bucket
    ]);
    expect([a, b, c].map((ack) => ack.ok)).toEqual([true, true, true]);
    expectRefused(over, 'RATE_LIMITED');
    expect(unsub.ok).toBe(false);
    if (!unsub.ok) expect(unsub.error.code).toBe('RATE_LIMITED');
    expect(socket.connected).toBe(true);

    // Another socket has its own bucket.
    const other = await connect(server);
    expect((await subscribe(other, { tags: ['rate-other'] })).ok).toBe(true);

    // The refused requests changed nothing, and after a refill (1/s) the socket is usable again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await subscribe(socket, { tags: ['rate-after'] });
    expect(again).toMatchObject({ ok: true, tags: ['rate-0', 'rate-1', 'rate-2', 'rate-after'] });
    expect(socket.connected).toBe(true);
  });
});
