import { z } from 'zod';
import type { AppConfig } from './app';
import { DEFAULT_RELATED_THRESHOLD } from './related/scoring';

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));
const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The environment, parsed once. Names are fixed by the product (README lists them). */
const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65_535, 3000),
    MONGODB_URI: optionalString.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI').optional()),
    DATA_DIR: z.string().min(1).default('./data'),
    DB_PORT: int(0, 65_535, 0),
    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URI').optional()),
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1–100 of A-Z a-z 0-9 _ . -').default('dateline'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ARTICLE_CACHE_SIZE: int(100, 1_000_000, 20_000),
    RECENT_STORIES: int(100, 1_000_000, 10_000),
    RECENT_EVENTS: int(100, 1_000_000, 10_000),
    WRITES_PER_MINUTE: int(1, 1_000_000, 600),
    EVENT_RETENTION: int(0, 100_000_000, 1_000_000),
    MAX_SOCKET_BUFFER_BYTES: int(16 * 1024, 1 << 30, 4 * 1024 * 1024),
    MAX_REPLAY_BUFFER: int(100, 1_000_000, 10_000),
    SOCKET_EVENT_BURST: int(1, 10_000, 20),
    SOCKET_EVENTS_PER_SECOND: int(1, 10_000, 5),
    RELATED_HALF_LIFE_HOURS: z.coerce.number().positive().max(24 * 365).default(72),
    RELATED_MAX_DOCUMENTS: int(100, 1_000_000, 20_000),
    RELATED_THRESHOLD: z.coerce.number().min(0).max(1).default(DEFAULT_RELATED_THRESHOLD),
    RELATED_WINDOW_HOURS: z.coerce.number().positive().max(24 * 365).default(72),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required in production' });
    }
    if (c.NODE_ENV === 'production' && !c.MONGODB_URI) {
      ctx.addIssue({ code: 'custom', path: ['MONGODB_URI'], message: 'is required in production' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The app's settings from the parsed environment, once the database and secret are settled (see main.ts). */
export function toAppConfig(config: Config, resolved: { mongodbUri: string; jwtSecret: string }): AppConfig {
  return {
    ...resolved,
    logLevel: config.LOG_LEVEL,
    articleCacheSize: config.ARTICLE_CACHE_SIZE,
    recentStories: config.RECENT_STORIES,
    recentEvents: config.RECENT_EVENTS,
    writesPerMinute: config.WRITES_PER_MINUTE,
    eventRetention: config.EVENT_RETENTION,
    redisUrl: config.REDIS_URL,
    redisPrefix: config.REDIS_PREFIX,
    related: {
      halfLifeHours: config.RELATED_HALF_LIFE_HOURS,
      maxDocuments: config.RELATED_MAX_DOCUMENTS,
      announceThreshold: config.RELATED_THRESHOLD,
      announceWithinHours: config.RELATED_WINDOW_HOURS,
    },
    realtime: {
      maxSocketBufferBytes: config.MAX_SOCKET_BUFFER_BYTES,
      maxReplayBuffer: config.MAX_REPLAY_BUFFER,
      eventBurst: config.SOCKET_EVENT_BURST,
      eventsPerSecond: config.SOCKET_EVENTS_PER_SECOND,
    },
  };
}
