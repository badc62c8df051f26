import type { Article } from '../contract/articles';
import type { NewsEvent } from '../contract/events';

/** Outcome of one commit attempt; only 'appended' means the event is durable. */
export type AppendResult = 'appended' | 'version-taken' | 'seq-taken';

export interface LogSummary {
  head: number;
  latestVersions: Map<string, number>;
}

export interface EventFilter {
  tags?: readonly string[];
  articles?: readonly string[];
}

/** Position in the newest-first article order: publishedAt, then id, both descending. */
export interface ListPosition {
  publishedAt: string;
  id: string;
}

export interface ArticleListQuery {
  tag?: string;
  language?: string;
  before?: ListPosition;
  limit: number;
}

/**
 * The durable side of Dateline. Every implementation must pass tests/contract/article-store.contract.ts.
 *
 * Contract:
 * - `appendEvent` is the ONE commit point of every change. It inserts the event under two unique keys, the
 *   article's (articleId, version) and the log's `seq`, in a single insert — the only operation that is atomic
 *   on every server we support (FerretDB v1 updates are read-then-write). Of N concurrent appends of one
 *   (articleId, version) exactly one returns 'appended'. 'seq-taken' means another writer committed that seq
 *   first (so it is visible now); the caller moves on to the next seq. An error means nothing is known: the
 *   caller must not report success.
 * - Reads of the log return events in `seq` order (`eventsAfter`) or version order (`eventsOfArticle`).
 * - The article documents are a projection of the log: `saveArticle` never replaces a newer version with an
 *   older one on a server with atomic updates; on FerretDB a racing pair can regress it, which start-up repair
 *   (`ArticleService.repairProjections`) and the read models' version checks make harmless.
 * - Whole-collection reads (`logSummary`, `projectedVersions`, `allPublishedTags`, `retractedIds`) are for start-up only.
 */
export interface ArticleStore {
  appendEvent(event: NewsEvent): Promise<AppendResult>;
  headSeq(): Promise<number>;
  eventsAfter(seq: number, limit: number, filter?: EventFilter): Promise<NewsEvent[]>;
  eventsOfArticle(articleId: string): Promise<NewsEvent[]>;
  latestEvent(articleId: string): Promise<NewsEvent | null>;
  /** One pass over the log: its head, and articleId → highest version (start-up needs both). */
  logSummary(): Promise<LogSummary>;
  /** articleId → version of its article document. */
  projectedVersions(): Promise<Map<string, number>>;

  saveArticle(article: Article): Promise<void>;
  findArticle(id: string): Promise<Article | null>;
  listArticles(query: ArticleListQuery): Promise<Article[]>;
  /** Tag lists of every published article. */
  allPublishedTags(): Promise<string[][]>;
  /** Ids of every retracted article. */
  retractedIds(): Promise<string[]>;

  ping(): Promise<void>;
  close(): Promise<void>;
}
