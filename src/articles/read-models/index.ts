import type { NewsEvent } from '../../contract/events';
import { ArticleCache } from './article-cache';
import { RecentEvents } from './recent-events';
import { RecentStories } from './recent-stories';
import { TagCounts } from './tag-counts';

export interface ReadModelSizes {
  articleCache: number;
  recentStories: number;
  recentEvents: number;
}

/** Every in-memory read model, kept current from the event feed, in seq order. */
export class ReadModels {
  readonly articles: ArticleCache;
  readonly stories: RecentStories;
  readonly events: RecentEvents;
  readonly tags = new TagCounts();
  /** Ids of every retracted article (retractions are rare): their earlier events are served without text. */
  readonly retracted = new Set<string>();

  constructor(sizes: ReadModelSizes) {
    this.articles = new ArticleCache(sizes.articleCache);
    this.stories = new RecentStories(sizes.recentStories);
    this.events = new RecentEvents(sizes.recentEvents);
  }

  apply(event: NewsEvent): void {
    this.articles.put(event.article);
    this.stories.upsert(event.article);
    this.tags.apply(event);
    this.events.add(event);
    if (event.type === 'article.retracted') this.retracted.add(event.articleId);
  }
}
