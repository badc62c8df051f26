import { z } from 'zod';
import { ArticleSchema, RevisionSchema, storableString } from './articles';

export const EVENT_TYPES = ['article.published', 'article.updated', 'article.corrected', 'article.retracted'] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/**
 * One entry of the durable event log. `seq` is unique and dense across the whole log; `tags` are the tags the
 * article had before OR after this change, so a tag room also learns that an article left it.
 */
export const NewsEventSchema = z
  .object({
    seq: z.number().int().positive(),
    type: EventTypeSchema,
    at: z.string(),
    articleId: z.string(),
    version: z.number().int().positive(),
    tags: z.array(z.string()),
    article: ArticleSchema,
    revision: RevisionSchema,
  })
  .meta({ id: 'NewsEvent' });
export type NewsEvent = z.infer<typeof NewsEventSchema>;

const csv = (max: number) =>
  z
    .string()
    .max(4_000)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(storableString().max(200)).max(max));

export const EventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  tags: csv(50).optional(),
  articles: csv(50).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
export type EventsQuery = z.infer<typeof EventsQuerySchema>;

export const EventPageSchema = z.object({ items: z.array(NewsEventSchema), head: z.number().int() });
