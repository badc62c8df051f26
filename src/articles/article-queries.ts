import type { Article, ListArticlesQuery, Revision } from '../contract/articles';
import type { EventsQuery, NewsEvent } from '../contract/events';
import { AppError } from '../shared/errors';
import type { ArticleStore } from './article-store';
import type { EventFeed } from './event-feed';
import type { ProjectionWriter } from './projection-writer';

/** How long a page that continues in the article documents waits for this instance's queued writes to land. */
const PROJECTION_SETTLE_MS = 2_000;
import { decodeCursor, encodeCursor } from './list-cursor';
import type { ReadModels } from './read-models';
import { idFromSlug } from './slug-policy';
import { normalizeTag } from './text-policy';
import { redactRetracted, withdrawText } from './retraction-policy';

/** The read side: hot reads from the read models, the database only past their windows. */
export class ArticleQueries {
  constructor(
    private readonly store: ArticleStore,
    private readonly reads: ReadModels,
    private readonly feed: EventFeed,
    private readonly projections: Pick<ProjectionWriter, 'settle'>,
  ) {}

  /** By id or by any slug it was ever published under (a slug ends with the id, so it never goes stale). */
  async get(idOrSlug: string): Promise<Article> {
    const id = idFromSlug(idOrSlug);
    const article = id ? (this.reads.articles.get(id) ?? (await this.store.findArticle(id))) : null;
    if (!article) throw new AppError('ARTICLE_NOT_FOUND', `no article ${idOrSlug}`);
    this.reads.articles.put(article);
    return article;
  }

  async list(query: ListArticlesQuery): Promise<{ items: Article[]; nextCursor: string | null }> {
    const tag = query.tag === undefined ? undefined : normalizeTag(query.tag);
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const want = query.limit + 1; // one more than asked tells whether a next page exists
    const fromWindow = this.reads.stories.page({ tag, language: query.language, before, limit: want });
    let items = fromWindow.items;
    if (!fromWindow.complete) {
      await this.projections.settle(PROJECTION_SETTLE_MS);
      const last = items[items.length - 1];
      const older = await this.store.listArticles({
        tag,
        language: query.language,
        before: last ?? before,
        limit: want - items.length,
      });
      items = [...items, ...older];
    }
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > query.limit && last ? encodeCursor(last) : null };
  }

  /** Oldest first. Once an article is retracted, its withdrawn text is withheld from every revision. */
  async revisions(id: string): Promise<Revision[]> {
    const events = await this.store.eventsOfArticle(id);
    if (events.length === 0) throw new AppError('ARTICLE_NOT_FOUND', `no article ${id}`);
    const retracted = events[events.length - 1]!.article.status === 'retracted';
    return events.map(({ revision }) => (retracted ? withdrawText(revision) : revision));
  }

  tags(): Array<{ tag: string; count: number }> {
    return this.reads.tags.list();
  }

  async events(query: EventsQuery): Promise<{ items: NewsEvent[]; head: number }> {
    const filter = { tags: query.tags?.map(normalizeTag), articles: query.articles };
    const head = this.feed.head;
    const items = this.reads.events.covers(query.after, head)
      ? this.reads.events.after(query.after, query.limit, filter)
      : (await this.store.eventsAfter(query.after, query.limit, filter)).filter((e) => e.seq <= head);
    return { items: redactRetracted(items, (id) => this.reads.retracted.has(id)), head };
  }
}
