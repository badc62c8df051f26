/**
 * A client that stops reading is cut off and the server's memory stays bounded, while a normal client on the same
 * tag keeps receiving everything. The slow client is a real socket.io-client whose TCP socket is paused, so the
 * server's frames pile up in its kernel buffers and then in the server's own write queue, as with a phone that went
 * into a tunnel without closing the connection. Real server, real FerretDB.
 */
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { connectDateline, type DatelineClient, type NewsEvent } from '../../sdk';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contract/socket';
import { queuedBytes } from '../../src/realtime/slow-consumers';
import { sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';

const editor = tokenFor('editor');
const MAX_SOCKET_BUFFER_BYTES = 256 * 1024;
const MAX_PUBLISHES = 200;
const MAX_MS = 30_000;
const RSS_GROWTH_BOUND = 200 * 1024 * 1024;

/** The `ws` WebSocket under engine.io-client's websocket transport (engine.io-client 6: transport.ws). */
interface WsLike {
  pause(): void;
  resume(): void;
  terminate(): void;
  _socket: { pause(): void; resume(): void; isPaused(): boolean };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('slow consumer', () => {
  let server: TestServer;
  let slow: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  let slowWs: WsLike | undefined;
  let normal: DatelineClient | undefined;
  const extra: Array<{ client: DatelineClient; ws?: WsLike }> = [];

  beforeAll(async () => {
    server = await startTestServer('slow_consumer', {
      realtime: { maxSocketBufferBytes: MAX_SOCKET_BUFFER_BYTES, maxReplayBuffer: 10_000, eventBurst: 50, eventsPerSecond: 20 },
    });
  });
  afterAll(async () => {
    // Let the paused client read again so its connection can close cleanly, then close everything.
    if (slowWs?._socket.isPaused()) slowWs.resume();
    slow?.close();
    slowWs?.terminate();
    normal?.close();
    for (const { client, ws } of extra) {
      if (ws?._socket.isPaused()) ws.resume();
      client.close();
    }
    await server.close();
    const conn = await mongoose.createConnection(server.config.mongodbUri).asPromise();
    try {
      await conn.dropDatabase(); // ~40 MB of large events
    } finally {
      await conn.close();
    }
  });

  it('drops a client that stops reading, keeps memory bounded, and a normal client gets everything', async () => {
    const TAG = 'slow-consumer-wire';

    normal = connectDateline({ url: server.url, tags: [TAG] });
    const normalGot: NewsEvent[] = [];
    normal.on('news', (e) => normalGot.push(e));
    const normalAcks: unknown[] = [];
    normal.on('subscribed', (ack) => normalAcks.push(ack));
    await waitUntil(() => normalAcks.length === 1, 'the normal client to subscribe');

    slow = io(server.url, { transports: ['websocket'], reconnection: false });
    const slowSocket = slow;
    await new Promise<void>((resolve, reject) => {
      slowSocket.once('connect', () => resolve());
      slowSocket.once('connect_error', reject);
    });
    const ack = await slowSocket.timeout(5_000).emitWithAck('subscribe', { tags: [TAG] });
    expect(ack.ok).toBe(true);
    let slowGot = 0;
    slowSocket.on('news', () => slowGot++);

    // The server's side of the slow socket, to see it being dropped and why.
    const serverSide = server.app.io.of('/').sockets.get(slowSocket.id!);
    expect(serverSide).toBeDefined();
    let dropReason: string | undefined;
    serverSide!.on('disconnect', (reason) => {
      dropReason = reason;
    });
    expect(server.app.io.of('/').sockets.size).toBe(2);

    // Stop reading: pause the TCP socket under the client's WebSocket.
    const transport = slowSocket.io.engine.transport as unknown as { name: string; ws?: WsLike };
    expect(transport.name).toBe('websocket');
    slowWs = transport.ws;
    expect(slowWs).toBeDefined();
    slowWs!._socket.pause();
    expect(slowWs!._socket.isPaused()).toBe(true);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const body = `LONG READ. ${'Negotiators met again on Tuesday to talk about tariffs and quotas. '.repeat(1_500)}`;
    expect(body.length).toBeGreaterThan(100_000);
    const published: string[] = [];
    const started = Date.now();
    while (dropReason === undefined && published.length < MAX_PUBLISHES && Date.now() - started < MAX_MS) {
      const res = await server.request('POST', '/api/articles', {
        token: editor,
        body: sampleArticle({ tags: [TAG], body, headline: `Long read ${published.length + 1}` }),
      });
      expect(res.status).toBe(201);
      published.push(res.body.article.id);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const publishedAtDrop = published.length;

    expect(dropReason).toBe('server namespace disconnect'); // dropped by the server, not a ping timeout
    expect(server.app.io.of('/').sockets.size).toBe(1);
    expect(slowGot).toBeLessThan(publishedAtDrop); // it really was not reading
    expect(rssPeak - rssBefore).toBeLessThan(RSS_GROWTH_BOUND);

    // The server keeps publishing to the tag; nothing more is queued for the dropped client.
    const queuedAtDrop = queuedBytes(serverSide!);
    for (let i = 0; i < 5; i++) {
      const res = await server.request('POST', '/api/articles', {
        token: editor,
        body: sampleArticle({ tags: [TAG], body, headline: `After the drop ${i + 1}` }),
      });
      expect(res.status).toBe(201);
      published.push(res.body.article.id);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    expect(queuedBytes(serverSide!)).toBeLessThanOrEqual(queuedAtDrop);

    // The normal client on the same tag got every event, once, in order.
    await waitUntil(() => normalGot.length >= published.length, `all ${published.length} events at the normal client`, 20_000);
    expect(normalGot.map((e) => e.articleId)).toEqual(published);
    for (let i = 1; i < normalGot.length; i++) expect(normalGot[i]!.seq).toBeGreaterThan(normalGot[i - 1]!.seq);
    expect(normal.socket.connected).toBe(true);
    expect(rssPeak - rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
    console.log(
      `slow consumer dropped after ${publishedAtDrop} publishes of ~${Math.round(body.length / 1024)} KB bodies in ` +
        `${Date.now() - started} ms; rss growth ${Math.round((rssPeak - rssBefore) / 1024 / 1024)} MB`,
    );
  }, 90_000);

  it('an SDK client dropped as a slow consumer reconnects once it reads again and resumes without a gap', async () => {
    const TAG = 'slow-consumer-tunnel';
    const client = connectDateline({ url: server.url, tags: [TAG] });
    const entry: { client: DatelineClient; ws?: WsLike } = { client };
    extra.push(entry);
    const got: NewsEvent[] = [];
    const kicks: string[] = [];
    const acks: unknown[] = [];
    client.on('news', (e) => got.push(e));
    client.on('kicked', (k) => kicks.push(k.code));
    client.on('subscribed', (ack) => acks.push(ack));
    const disconnects: string[] = [];
    client.socket.on('disconnect', (reason) => disconnects.push(reason));
    await waitUntil(() => acks.length === 1, 'the first subscribe');
    const serverSide = server.app.io.of('/').sockets.get(client.socket.id!);
    expect(serverSide).toBeDefined();
    let dropReason: string | undefined;
    serverSide!.on('disconnect', (reason) => {
      dropReason = reason;
    });

    // Into the tunnel: the app stops reading.
    entry.ws = (client.socket.io.engine.transport as unknown as { ws: WsLike }).ws;
    entry.ws._socket.pause();
    const body = `TUNNEL. ${'The committee adjourned after a long debate on the amendment. '.repeat(1_600)}`;
    const published: string[] = [];
    const started = Date.now();
    while (dropReason === undefined && published.length < MAX_PUBLISHES && Date.now() - started < MAX_MS) {
      const res = await server.request('POST', '/api/articles', {
        token: editor,
        body: sampleArticle({ tags: [TAG], body, headline: `Tunnel ${published.length + 1}` }),
      });
      expect(res.status).toBe(201);
      published.push(res.body.article.id);
    }
    expect(dropReason).toBe('server namespace disconnect');
    // Published while it is disconnected: only a resume can bring these.
    for (let i = 0; i < 3; i++) {
      const res = await server.request('POST', '/api/articles', {
        token: editor,
        body: sampleArticle({ tags: [TAG], headline: `While away ${i + 1}` }),
      });
      expect(res.status).toBe(201);
      published.push(res.body.article.id);
    }

    // Out of the tunnel: it reads its backlog, learns it was kicked, reconnects and resumes from its cursor.
    entry.ws._socket.resume();
    await waitUntil(() => got.length >= published.length, `all ${published.length} events after the resume`, 20_000).catch(
      (err: Error) => {
        const state = { got: got.length, kicks, disconnects, connected: client.socket.connected, acks: acks.length };
        throw new Error(`${err.message}; client state ${JSON.stringify(state)}`);
      },
    );
    expect(kicks).toEqual(['SLOW_CONSUMER']);
    expect(got.map((e) => e.articleId)).toEqual(published);
    for (let i = 1; i < got.length; i++) expect(got[i]!.seq).toBeGreaterThan(got[i - 1]!.seq);
    expect(client.socket.connected).toBe(true);
    expect(acks.length).toBe(2);
  }, 90_000);
});
