import type { Article } from '../contract/articles';
import type { NewsEvent } from '../contract/events';
import type { ArticleStore, EventFilter } from './article-store';
import type { ArticleQueries } from './article-queries';
import type { ReadModels } from './read-models';
import { redactRetracted } from './retraction-policy';

const LOG_BATCH = 500;
const RESYNC_ITEMS = 100;
const RESYNC_PER_TAG = 20;

/**
 * Catch-up for a client that was away: the events after its cursor, from the in-memory window when it reaches
 * back far enough (the common short gap), from the log otherwise, in seq order, up to `upTo` inclusive.
 */
export class Replay {
  constructor(
    private readonly store: Pick<ArticleStore, 'eventsAfter'>,
    private readonly reads: ReadModels,
    private readonly queries: ArticleQueries,
    /** Events the log promises to keep; a cursor further back than this gets a resync. 0 = keep everything. */
    private readonly retention: number,
  ) {}

  /** Whether a cursor is still inside the log's retention at head `head`. */
  withinRetention(after: number, head: number): boolean {
    return this.retention === 0 || after >= head - this.retention;
  }

  /** As `rawEvents`, with the text of since-retracted articles withdrawn. */
  async *events(after: number, upTo: number, filter: EventFilter): AsyncGenerator<NewsEvent> {
    for await (const event of this.rawEvents(after, upTo, filter)) {
      yield redactRetracted([event], (id) => this.reads.retracted.has(id))[0]!;
    }
  }

  private async *rawEvents(after: number, upTo: number, filter: EventFilter): AsyncGenerator<NewsEvent> {
    if (this.reads.events.covers(after, upTo)) {
      for (const event of this.reads.events.after(after, Number.MAX_SAFE_INTEGER, filter)) {
        if (event.seq > upTo) return;
        yield event;
      }
      return;
    }
    let cursor = after;
    while (cursor < upTo) {
      const batch = await this.store.eventsAfter(cursor, LOG_BATCH, filter);
      if (batch.length === 0) return;
      for (const event of batch) {
        if (event.seq > upTo) return;
        cursor = event.seq;
        yield event;
      }
    }
  }

  /** What a client past retention rebuilds from: the newest published articles of its tags, and its articles. */
  async latestArticles(filter: EventFilter): Promise<Article[]> {
    const byId = new Map<string, Article>();
    for (const tag of filter.tags ?? []) {
      for (const article of (await this.queries.list({ tag, limit: RESYNC_PER_TAG })).items) byId.set(article.id, article);
    }
    for (const id of filter.articles ?? []) {
      const article = await this.queries.get(id).catch(() => null);
      if (article) byId.set(article.id, article);
    }
    return [...byId.values()]
      .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0))
      .slice(0, RESYNC_ITEMS);
  }
}
