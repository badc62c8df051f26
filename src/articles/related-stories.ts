import type { Article } from '../contract/articles';
import type { NewsEvent } from '../contract/events';
import { ArticleSummarySchema, type ArticleSummary, type RelatedPublished, type SearchQuery } from '../contract/related';
import { RelatedIndex } from '../related/related-index';
import type { RelatedReasons } from '../related/types';
import type { ArticleQueries } from './article-queries';
import { announceReason } from './related-policy';

export interface RelatedOptions {
  halfLifeHours: number;
  /** Stories indexed (the newest); older ones drop out of related lists and search. */
  maxDocuments: number;
  /** Score (0..1) from which a new story is pushed to an existing story's room. */
  announceThreshold: number;
  /** Only stories published this recently get pushes: older ones have no live audience. */
  announceWithinHours: number;
}

const ANNOUNCE_LIMIT = 20;

/** The article without its body; the contract's schema names the fields (zod strips the rest). */
export const summaryOf = (article: Article): ArticleSummary => ArticleSummarySchema.parse(article);

/**
 * "Similar News" and search: an in-memory index of the newest stories, loaded at start-up and kept current from
 * the event feed on every instance, so each instance ranks the same way without reading the database per request.
 */
export class RelatedStories {
  private readonly index: RelatedIndex;

  constructor(
    private readonly queries: ArticleQueries,
    private readonly options: RelatedOptions,
  ) {
    this.index = new RelatedIndex({ halfLifeHours: options.halfLifeHours, maxDocuments: options.maxDocuments });
  }

  /** Seeds the index with the newest published articles. */
  load(articles: readonly Article[]): void {
    for (const article of articles) this.index.upsert(article);
  }

  /** Feed listener: every change of an article re-indexes it; a retraction removes it. */
  apply(event: NewsEvent): void {
    this.index.upsert(event.article);
  }

  async related(id: string, limit: number): Promise<Array<{ article: Article; score: number; reasons: RelatedReasons }>> {
    await this.queries.get(id); // 404 for an unknown article
    const hits = this.index.related(id, limit);
    return this.withArticles(hits, (hit, article) => ({ article, score: hit.score, reasons: hit.reasons }));
  }

  async search(query: SearchQuery): Promise<Array<{ article: Article; score: number }>> {
    const hits = this.index.search(query.q, { language: query.language, tag: query.tag, limit: query.limit });
    return this.withArticles(hits, (hit, article) => ({ article, score: hit.score }));
  }

  /** The push for the rooms of the stories `event`'s article is now strongly related to, or null. */
  announcement(event: NewsEvent): RelatedPublished | null {
    if (!announceReason(event)) return null;
    const { announceThreshold, announceWithinHours } = this.options;
    const hits = this.index.relatedAbove(event.articleId, announceThreshold, ANNOUNCE_LIMIT, announceWithinHours);
    if (hits.length === 0) return null;
    return {
      seq: event.seq,
      type: 'related.published',
      at: event.at,
      articleId: event.articleId,
      version: event.version,
      tags: event.article.tags,
      article: summaryOf(event.article),
      relatedTo: hits.map((h) => h.id),
    };
  }

  /** Resolves hits to current articles, dropping any that became unreadable meanwhile. */
  private async withArticles<H extends { id: string }, R>(hits: H[], make: (hit: H, article: Article) => R): Promise<R[]> {
    const out: R[] = [];
    for (const hit of hits) {
      const article = await this.queries.get(hit.id).catch(() => null);
      if (article && article.status === 'published') out.push(make(hit, article));
    }
    return out;
  }
}
