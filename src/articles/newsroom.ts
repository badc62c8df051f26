import type { ArticleStore } from './article-store';
import { ArticleQueries } from './article-queries';
import { ArticleService } from './article-service';
import { EventFeed } from './event-feed';
import { EventLog } from './event-log';
import { ProjectionWriter } from './projection-writer';
import { ReadModels, type ReadModelSizes } from './read-models';
import { Replay } from './replay';
import { RelatedStories, type RelatedOptions } from './related-stories';
import type { NewsEvent } from '../contract/events';

export interface NewsroomOptions {
  store: ArticleStore;
  sizes: ReadModelSizes;
  related: RelatedOptions;
  now?: () => Date;
  applyTimeoutMs?: number;
  holeTimeoutMs?: number;
  /** Events the log promises to keep for resuming clients; 0 = all. */
  retention?: number;
  /** Called with each event this instance commits, after the commit (e.g. to relay it to other instances). */
  onCommitted?: (event: NewsEvent) => void;
  onError?: (err: unknown, context: string) => void;
}

export interface Newsroom {
  service: ArticleService;
  queries: ArticleQueries;
  feed: EventFeed;
  log: EventLog;
  replay: Replay;
  related: RelatedStories;
  /** Article documents whose projection start-up had to finish (a crash came between commit and projection). */
  repaired: number;
  close(): Promise<void>;
}

/**
 * Opens the domain on a store: finishes projections a crash interrupted, loads the read models, and starts the
 * feed at the log's head. Reads rebuild here from whole-collection scans — start-up is where they belong.
 */
export async function openNewsroom(options: NewsroomOptions): Promise<Newsroom> {
  const { store } = options;
  const onError = options.onError ?? (() => {});
  const log = new EventLog(store);
  const { head, latestVersions } = await store.logSummary();
  log.open(head);
  const repaired = await repairProjections(store, latestVersions);

  const reads = new ReadModels(options.sizes);
  // One read of the newest articles feeds the story window, the article cache and the related index.
  const { sizes } = options;
  const newest = await store.listArticles({
    limit: Math.max(sizes.recentStories + 1, sizes.articleCache, options.related.maxDocuments),
  });
  reads.stories.load(newest.slice(0, sizes.recentStories), newest.length <= sizes.recentStories);
  for (const article of newest.slice(0, sizes.articleCache)) reads.articles.put(article);
  reads.tags.load(await store.allPublishedTags());
  for (const id of await store.retractedIds()) reads.retracted.add(id);
  reads.events.load(await store.eventsAfter(Math.max(0, head - options.sizes.recentEvents), options.sizes.recentEvents));

  const feed = new EventFeed(store, head, options.holeTimeoutMs ?? 50, (err) => onError(err, 'event feed'));
  feed.subscribe((event) => {
    reads.apply(event);
    log.observe(event.seq);
  });
  const projections = new ProjectionWriter(store, (err, article) => onError(err, `projection of ${article.id}`));
  const service = new ArticleService({
    store,
    log,
    feed,
    reads,
    projections,
    now: options.now ?? (() => new Date()),
    applyTimeoutMs: options.applyTimeoutMs ?? 2_000,
    onCommitted: options.onCommitted ?? (() => {}),
  });
  const queries = new ArticleQueries(store, reads, feed, projections);
  const related = new RelatedStories(queries, options.related);
  related.load(newest.slice(0, options.related.maxDocuments));
  feed.subscribe((event) => related.apply(event));
  return {
    related,
    service,
    queries,
    feed,
    log,
    replay: new Replay(store, reads, queries, options.retention ?? 0),
    repaired,
    async close() {
      feed.close();
      await projections.flush();
    },
  };
}

/** Brings every article document up to the newest version in the log. */
export async function repairProjections(store: ArticleStore, latestVersions: Map<string, number>): Promise<number> {
  const projected = await store.projectedVersions();
  let repaired = 0;
  for (const [id, version] of latestVersions) {
    if ((projected.get(id) ?? 0) >= version) continue;
    const event = await store.latestEvent(id);
    if (event) {
      await store.saveArticle(event.article);
      repaired++;
    }
  }
  return repaired;
}
