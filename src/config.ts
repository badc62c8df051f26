import { z } from 'zod';

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
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ARTICLE_CACHE_SIZE: int(100, 1_000_000, 10_000),
    RECENT_STORIES: int(100, 100_000, 2_000),
    RECENT_EVENTS: int(100, 1_000_000, 10_000),
    WRITES_PER_MINUTE: int(1, 1_000_000, 600),
    EVENT_RETENTION: int(0, 100_000_000, 1_000_000),
    MAX_SOCKET_BUFFER_BYTES: int(16 * 1024, 1 << 30, 4 * 1024 * 1024),
    MAX_REPLAY_BUFFER: int(100, 1_000_000, 10_000),
    SOCKET_EVENT_BURST: int(1, 10_000, 20),
    SOCKET_EVENTS_PER_SECOND: int(1, 10_000, 5),
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
