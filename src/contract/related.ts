import { z } from 'zod';
import { ArticleSchema, LanguageSchema, storableString } from './articles';

/** An article without its body: what a "Similar News" box and a live related push carry. */
export const ArticleSummarySchema = ArticleSchema.pick({
  id: true,
  slug: true,
  version: true,
  status: true,
  headline: true,
  summary: true,
  tags: true,
  language: true,
  dateline: true,
  publishedAt: true,
  updatedAt: true,
}).meta({ id: 'ArticleSummary' });
export type ArticleSummary = z.infer<typeof ArticleSummarySchema>;

export const RelatedReasonsSchema = z.object({
  sharedTags: z.array(z.string()),
  topTerms: z.array(z.string()),
  sameLanguage: z.boolean(),
});

export const RelatedQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(20).default(5) });
export const RelatedListSchema = z.object({
  items: z.array(z.object({ article: ArticleSchema, score: z.number(), reasons: RelatedReasonsSchema })),
});

export const SearchQuerySchema = z.strictObject({
  q: storableString().min(1).max(200).refine((s) => s.trim().length > 0, 'must not be blank'),
  language: LanguageSchema.optional(),
  tag: storableString().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;
export const SearchResultSchema = z.object({
  items: z.array(z.object({ article: ArticleSchema, score: z.number() })),
});

/**
 * Pushed to the article rooms of existing stories when a new story (or a story whose tags or text changed a lot)
 * is strongly related to them. Not an entry of the log: `seq` is that of the event that caused it, and a resuming
 * client is not sent missed ones (the related list of GET /api/articles/:id/related has them).
 */
export const RelatedPublishedSchema = z
  .object({
    seq: z.number().int().positive(),
    type: z.literal('related.published'),
    at: z.string(),
    articleId: z.string(),
    version: z.number().int().positive(),
    tags: z.array(z.string()),
    article: ArticleSummarySchema,
    relatedTo: z.array(z.string()),
  })
  .meta({ id: 'RelatedPublished' });
export type RelatedPublished = z.infer<typeof RelatedPublishedSchema>;
