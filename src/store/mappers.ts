import type { Article, Revision } from '../contract/articles';
import type { EventType, NewsEvent } from '../contract/events';

/** Shapes of the stored documents as `.lean()` returns them. */
export interface ArticleDoc {
  _id: string;
  slug: string;
  version: number;
  status: Article['status'];
  headline: string;
  summary: string;
  body: string;
  tags?: string[];
  language: string;
  dateline: string;
  authors?: string[];
  publishedAt: Date;
  updatedAt: Date;
  retraction: Article['retraction'];
}

export interface EventDoc {
  _id: string;
  seq: number;
  type: EventType;
  at: Date;
  articleId: string;
  version: number;
  tags?: string[];
  article: Article;
  revision: Revision;
}

export const eventId = (articleId: string, version: number): string => `${articleId}:${version}`;

export function toArticleDoc(a: Article): ArticleDoc {
  return {
    _id: a.id,
    slug: a.slug,
    version: a.version,
    status: a.status,
    headline: a.headline,
    summary: a.summary,
    body: a.body,
    tags: a.tags,
    language: a.language,
    dateline: a.dateline,
    authors: a.authors,
    publishedAt: new Date(a.publishedAt),
    updatedAt: new Date(a.updatedAt),
    retraction: a.retraction,
  };
}

export function fromArticleDoc(d: ArticleDoc): Article {
  return {
    id: d._id,
    slug: d.slug,
    version: d.version,
    status: d.status,
    headline: d.headline,
    summary: d.summary,
    body: d.body,
    tags: d.tags ?? [],
    language: d.language,
    dateline: d.dateline,
    authors: d.authors ?? [],
    publishedAt: d.publishedAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    retraction: d.retraction ?? null,
  };
}

export function toEventDoc(e: NewsEvent): EventDoc {
  return {
    _id: eventId(e.articleId, e.version),
    seq: e.seq,
    type: e.type,
    at: new Date(e.at),
    articleId: e.articleId,
    version: e.version,
    tags: e.tags,
    article: e.article,
    revision: e.revision,
  };
}

export function fromEventDoc(d: EventDoc): NewsEvent {
  return {
    seq: d.seq,
    type: d.type,
    at: d.at.toISOString(),
    articleId: d.articleId,
    version: d.version,
    tags: d.tags ?? [],
    article: d.article,
    revision: d.revision,
  };
}
