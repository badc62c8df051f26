import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ZodType } from 'zod';
import { verifyToken } from '../auth/tokens';
import type { AckError } from '../contract/socket';
import { SubscribeSchema, UnsubscribeSchema } from '../contract/socket';
import type { EventFeed } from '../articles/event-feed';
import type { NewsEvent } from '../contract/events';
import type { RelatedPublished } from '../contract/related';
import type { Replay } from '../articles/replay';
import { AppError } from '../shared/errors';
import { NewsDelivery } from './news-delivery';
import { kickSocket, watchSlowConsumers } from './slow-consumers';
import type { DatelineServer, DatelineSocket, RealtimeLimits } from './types';

/** Client messages are tiny (a subscription); anything bigger is refused by engine.io before parsing. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

export interface RealtimeDeps {
  httpServer: HttpServer;
  feed: EventFeed;
  replay: Replay;
  announceRelated: (event: NewsEvent) => RelatedPublished | null;
  jwtSecret: string;
  limits: RealtimeLimits;
  onError: (err: unknown) => void;
}

function ackError(err: unknown, onError: (err: unknown) => void): AckError {
  if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
  onError(err);
  return { ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
}

/**
 * The Socket.IO server: optional JWT at handshake (none = reader), zod-parsed subscribe/unsubscribe with acks,
 * a token bucket per socket, slow-consumer protection. Delivery itself is NewsDelivery's.
 */
export function createSocketServer(deps: RealtimeDeps): { io: DatelineServer; close(): void } {
  const io: DatelineServer = new Server(deps.httpServer, { serveClient: false, maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES });
  const delivery = new NewsDelivery(io, deps.feed, deps.replay, deps.limits.maxReplayBuffer, kickSocket, deps.announceRelated);
  const stopWatching = watchSlowConsumers(io, deps.limits.maxSocketBufferBytes);

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (token === undefined || token === null || token === '') return next();
    try {
      if (typeof token !== 'string') throw new AppError('UNAUTHENTICATED', 'auth.token must be a string');
      socket.data.principal = verifyToken(token, deps.jwtSecret);
      next();
    } catch {
      const err = new Error('UNAUTHENTICATED: the token is invalid or expired') as Error & { data?: unknown };
      err.data = { code: 'UNAUTHENTICATED' };
      next(err);
    }
  });

  io.on('connection', (socket: DatelineSocket) => {
    delivery.attach(socket);
    socket.on('disconnect', () => delivery.detach(socket));
    const allow = tokenBucket(deps.limits.eventBurst, deps.limits.eventsPerSecond);

    const handle = <T>(schema: ZodType<T>, run: (request: T) => Promise<unknown>) =>
      (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return; // every client event of this contract takes an ack
        const reply = ack as (result: unknown) => void;
        if (!allow()) {
          reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'too many requests on this socket; slow down' } });
          return;
        }
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
          reply({ ok: false, error: { code: 'VALIDATION_FAILED', message } });
          return;
        }
        run(parsed.data).then(reply, (err: unknown) => reply(ackError(err, deps.onError)));
      };

    socket.on('subscribe', handle(SubscribeSchema, (request) => delivery.subscribe(socket, request)));
    socket.on('unsubscribe', handle(UnsubscribeSchema, (request) => delivery.unsubscribe(socket, request)));
  });

  return {
    io,
    close() {
      stopWatching();
      io.close();
    },
  };
}

/** A token bucket: `burst` at once, refilled at `perSecond`. */
function tokenBucket(burst: number, perSecond: number): () => boolean {
  let tokens = burst;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
