import { createServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ArticleStore } from './articles/article-store';
import { openNewsroom, type Newsroom } from './articles/newsroom';
import { articlesRouter } from './http/articles-router';
import { jsonBody, requireJson } from './http/body-parsing';
import { errorMiddleware, notFound } from './http/error-middleware';
import { healthRouter } from './http/health-router';
import { relatedRouter } from './http/related-router';
import type { RelatedOptions } from './articles/related-stories';
import { buildOpenApiDocument } from './http/openapi';
import { MongoArticleStore } from './store/mongo-article-store';
import { RedisCluster } from './cluster/redis-cluster';
import { createSocketServer } from './realtime/socket-server';
import type { DatelineServer, RealtimeLimits } from './realtime/types';

export interface AppConfig {
  mongodbUri: string;
  jwtSecret: string;
  logLevel: string;
  articleCacheSize: number;
  recentStories: number;
  recentEvents: number;
  writesPerMinute: number;
  /** Events the log keeps for resuming clients (older cursors get a resync); 0 = all. */
  eventRetention: number;
  /** Several instances share rooms and events through this Redis; absent = one instance, in-memory adapter. */
  redisUrl?: string;
  /** Namespace of the Redis channels; instances share events only with instances of the same prefix. */
  redisPrefix?: string;
  realtime: RealtimeLimits;
  related: RelatedOptions;
}

export interface AppOverrides {
  /** A store to use instead of connecting to `mongodbUri` (the caller then owns closing it). */
  store?: ArticleStore;
  logger?: Logger;
}

export interface App {
  httpServer: HttpServer;
  io: DatelineServer;
  newsroom: Newsroom;
  store: ArticleStore;
  logger: Logger;
  close(): Promise<void>;
}

const VERSION = '0.1.0';

/** THE composition root: builds store, domain, HTTP and Socket.IO. Starting to listen is the caller's job. */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
  const store = overrides.store ?? (await MongoArticleStore.connect(config.mongodbUri));
  const cluster = config.redisUrl
    ? await RedisCluster.connect(config.redisUrl, (err) => logger.error({ err }, 'redis'), config.redisPrefix)
    : undefined;
  const newsroom = await openNewsroom({
    store,
    sizes: {
      articleCache: config.articleCacheSize,
      recentStories: config.recentStories,
      recentEvents: config.recentEvents,
    },
    related: config.related,
    retention: config.eventRetention,
    onCommitted: (event) => cluster?.publish(event),
    onError: (err, context) => logger.error({ err, context }, 'background failure'),
  });
  if (newsroom.repaired > 0) logger.warn({ repaired: newsroom.repaired }, 'finished interrupted projections');

  const web = express();
  web.disable('x-powered-by');
  web.set('etag', false); // ETags are article versions, set by the routes
  web.use(helmet());
  web.use(pinoHttp({ logger, autoLogging: config.logLevel === 'debug' || config.logLevel === 'trace' }));
  web.use(healthRouter(() => store.ping()));
  const openApi = buildOpenApiDocument(VERSION);
  web.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  web.use('/api', requireJson, jsonBody, relatedRouter(newsroom.related));
  web.use('/api', articlesRouter({ ...newsroom, jwtSecret: config.jwtSecret, writesPerMinute: config.writesPerMinute }));
  web.use(notFound);
  web.use(errorMiddleware((err) => logger.error({ err }, 'unhandled error')));

  const httpServer = createServer(web);
  const realtime = createSocketServer({
    httpServer,
    feed: newsroom.feed,
    replay: newsroom.replay,
    announceRelated: (event) => newsroom.related.announcement(event),
    jwtSecret: config.jwtSecret,
    limits: config.realtime,
    onError: (err) => logger.error({ err }, 'socket handler failed'),
  });
  await cluster?.attach(realtime.io, newsroom.feed);

  return {
    httpServer,
    io: realtime.io,
    newsroom,
    store,
    logger,
    async close() {
      realtime.close(); // also closes httpServer
      await newsroom.close();
      await cluster?.close();
      if (!overrides.store) await store.close();
    },
  };
}
