import { z } from 'zod';
import { ArticleSchema, storableString } from './articles';
import type { ErrorCode } from './error-codes';
import type { NewsEvent } from './events';
import type { RelatedPublished } from './related';

/** Per socket, across all of its subscribe calls. */
export const SUBSCRIPTION_LIMITS = { tags: 50, articles: 50 } as const;

const names = (max: number) => z.array(storableString().min(1).max(200)).max(max);

export const SubscribeSchema = z.strictObject({
  tags: names(SUBSCRIPTION_LIMITS.tags).optional(),
  articles: names(SUBSCRIPTION_LIMITS.articles).optional(),
  /** The last seq the client has; every matching event after it is replayed before live ones. */
  after: z.number().int().min(0).optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeSchema>;

export const UnsubscribeSchema = z.strictObject({
  tags: names(SUBSCRIPTION_LIMITS.tags).optional(),
  articles: names(SUBSCRIPTION_LIMITS.articles).optional(),
});
export type UnsubscribeRequest = z.infer<typeof UnsubscribeSchema>;

export interface AckError {
  ok: false;
  error: { code: ErrorCode; message: string };
}

export type SubscribeAck =
  | { ok: true; tags: string[]; articles: string[]; head: number; replayed: number }
  | AckError;

export type UnsubscribeAck = { ok: true; tags: string[]; articles: string[] } | AckError;

/** Sent instead of a replay when the client's cursor is older than the log keeps: rebuild from these. */
export const ResyncSchema = z.object({
  reason: z.enum(['RETENTION_EXCEEDED']),
  head: z.number().int(),
  items: z.array(ArticleSchema),
});
export type Resync = z.infer<typeof ResyncSchema>;

/** Sent just before the server drops a socket, so the client can tell why. */
export interface Kicked {
  code: 'SLOW_CONSUMER';
  message: string;
}

export interface ServerToClientEvents {
  /** Events of the log, in seq order. */
  news: (event: NewsEvent) => void;
  /**
   * `related.published`: a new story strongly related to an article a client follows, in that article's room.
   * Kept apart from `news` because it is derived, not an entry of the log: it never moves a client's cursor.
   */
  related: (event: RelatedPublished) => void;
  resync: (payload: Resync) => void;
  kicked: (payload: Kicked) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: (result: UnsubscribeAck) => void) => void;
}

export const tagRoom = (tag: string): string => `tag:${tag}`;
export const articleRoom = (id: string): string => `article:${id}`;
