import { z } from 'zod';

/** Limits that bound every article; they are part of the public contract. */
export const ARTICLE_LIMITS = {
  headline: 300,
  summary: 2_000,
  body: 200_000,
  tags: 20,
  tagLength: 64,
  dateline: 120,
  authors: 20,
  authorLength: 120,
  note: 1_000,
  reason: 1_000,
} as const;

/** BCP 47 primary language, optionally with a region: 'hi', 'en', 'en-IN'. */
export const LanguageSchema = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language code such as "hi" or "en"');

/**
 * Text every supported server stores and matches exactly: no U+0000 (FerretDB's PostgreSQL handler fails on it
 * in jsonb, a 5xx) and no lone surrogate (BSON's UTF-8 would store U+FFFD instead, so it would not round-trip).
 */
export const storableString = () =>
  z.string().refine((s) => !/[\u0000\p{Cs}]/u.test(s), 'must be Unicode text without U+0000 or lone surrogates');
const text = (max: number) => storableString().max(max);
const nonBlank = (max: number) => text(max).refine((s) => s.trim().length > 0, 'must not be blank');
/** Tags arrive raw; the domain normalizes them (see tag-policy) and re-checks the limits after normalizing. */
const RawTagsSchema = z.array(nonBlank(ARTICLE_LIMITS.tagLength * 2)).max(ARTICLE_LIMITS.tags);
const AuthorsSchema = z.array(nonBlank(ARTICLE_LIMITS.authorLength)).max(ARTICLE_LIMITS.authors);

export const PublishArticleBodySchema = z
  .strictObject({
    headline: nonBlank(ARTICLE_LIMITS.headline),
    summary: text(ARTICLE_LIMITS.summary).optional(),
    body: nonBlank(ARTICLE_LIMITS.body),
    tags: RawTagsSchema,
    language: LanguageSchema,
    dateline: text(ARTICLE_LIMITS.dateline).optional(),
    authors: AuthorsSchema.optional(),
  })
  .meta({ id: 'PublishArticleBody' });
export type PublishArticleBody = z.infer<typeof PublishArticleBodySchema>;

export const ArticleChangesSchema = z
  .strictObject({
    headline: nonBlank(ARTICLE_LIMITS.headline).optional(),
    summary: text(ARTICLE_LIMITS.summary).optional(),
    body: nonBlank(ARTICLE_LIMITS.body).optional(),
    tags: RawTagsSchema.optional(),
    dateline: text(ARTICLE_LIMITS.dateline).optional(),
    authors: AuthorsSchema.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'changes must name at least one field');
export type ArticleChanges = z.infer<typeof ArticleChangesSchema>;

export const ReviseArticleBodySchema = z
  .strictObject({
    changes: ArticleChangesSchema,
    note: nonBlank(ARTICLE_LIMITS.note),
    kind: z.enum(['update', 'correction']).default('update'),
  })
  .meta({ id: 'ReviseArticleBody' });
export type ReviseArticleBody = z.infer<typeof ReviseArticleBodySchema>;

export const RetractArticleBodySchema = z
  .strictObject({ reason: nonBlank(ARTICLE_LIMITS.reason) })
  .meta({ id: 'RetractArticleBody' });
export type RetractArticleBody = z.infer<typeof RetractArticleBodySchema>;

export const ArticleStatusSchema = z.enum(['published', 'retracted']);
export type ArticleStatus = z.infer<typeof ArticleStatusSchema>;

/** The article as stored and served. Times are ISO-8601 UTC. A retracted article is a tombstone: no body. */
export const ArticleSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    version: z.number().int().positive(),
    status: ArticleStatusSchema,
    headline: z.string(),
    summary: z.string(),
    body: z.string(),
    tags: z.array(z.string()),
    language: z.string(),
    dateline: z.string(),
    authors: z.array(z.string()),
    publishedAt: z.string(),
    updatedAt: z.string(),
    retraction: z.object({ reason: z.string(), at: z.string() }).nullable(),
  })
  .meta({ id: 'Article' });
export type Article = z.infer<typeof ArticleSchema>;

export const REVISABLE_FIELDS = ['headline', 'summary', 'body', 'tags', 'dateline', 'authors'] as const;
export type RevisableField = (typeof REVISABLE_FIELDS)[number];

/** One piece of a word-level diff; a page renders `removed` with strike-through. */
export const DiffPartSchema = z.object({ op: z.enum(['same', 'added', 'removed']), text: z.string() });
export type DiffPart = z.infer<typeof DiffPartSchema>;

export const FieldChangeSchema = z.object({
  field: z.string(),
  before: z.union([z.string(), z.array(z.string()), z.null()]),
  after: z.union([z.string(), z.array(z.string()), z.null()]),
  diff: z.array(DiffPartSchema).optional(),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

export const RevisionKindSchema = z.enum(['publish', 'update', 'correction', 'retraction']);
export type RevisionKind = z.infer<typeof RevisionKindSchema>;

export const RevisionSchema = z
  .object({
    version: z.number().int().positive(),
    kind: RevisionKindSchema,
    at: z.string(),
    editor: z.string(),
    note: z.string(),
    changes: z.array(FieldChangeSchema),
  })
  .meta({ id: 'Revision' });
export type Revision = z.infer<typeof RevisionSchema>;

export const ListArticlesQuerySchema = z.strictObject({
  tag: text(ARTICLE_LIMITS.tagLength * 2).optional(),
  language: LanguageSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export type ListArticlesQuery = z.infer<typeof ListArticlesQuerySchema>;

export const ArticleResponseSchema = z.object({ article: ArticleSchema });
export const ArticleWithRevisionSchema = z.object({ article: ArticleSchema, revision: RevisionSchema });
export const ArticlePageSchema = z.object({ items: z.array(ArticleSchema), nextCursor: z.string().nullable() });
export const RevisionListSchema = z.object({ items: z.array(RevisionSchema) });
export const TagCountSchema = z.object({ tag: z.string(), count: z.number().int() });
export const TagListSchema = z.object({ items: z.array(TagCountSchema) });
