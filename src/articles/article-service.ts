import type {
  Article,
  PublishArticleBody,
  RetractArticleBody,
  ReviseArticleBody,
  Revision,
  RevisionKind,
  FieldChange,
} from '../contract/articles';
import type { NewsEvent } from '../contract/events';
import { AppError } from '../shared/errors';
import { waitAtMost } from '../shared/wait';
import type { ArticleStore } from './article-store';
import type { EventFeed } from './event-feed';
import type { EventLog } from './event-log';
import type { ProjectionWriter } from './projection-writer';
import type { ReadModels } from './read-models';
import {
  EVENT_TYPE_OF,
  applyChanges,
  diffArticle,
  makeRevision,
  normalizeChanges,
  publishChanges,
  retractArticle,
} from './revision-policy';
import { newArticleId, slugFor } from './slug-policy';
import { nfc, normalizeTags } from './text-policy';

export interface ArticleServiceDeps {
  store: ArticleStore;
  log: EventLog;
  feed: EventFeed;
  reads: ReadModels;
  projections: ProjectionWriter;
  now: () => Date;
  /** How long a write waits for its event to reach the read models before answering anyway (it is durable). */
  applyTimeoutMs: number;
  onCommitted: (event: NewsEvent) => void;
}

export interface Committed {
  article: Article;
  revision: Revision;
  event: NewsEvent;
}

/** The editors' use cases. Every change is one event appended to the log; nothing else commits. */
export class ArticleService {
  constructor(private readonly deps: ArticleServiceDeps) {}

  async publish(input: PublishArticleBody, editor: string): Promise<Committed> {
    const id = newArticleId();
    const at = this.deps.now().toISOString();
    const headline = nfc(input.headline);
    const article: Article = {
      id,
      slug: slugFor(headline, id),
      version: 1,
      status: 'published',
      headline,
      summary: nfc(input.summary ?? ''),
      body: nfc(input.body),
      tags: normalizeTags(input.tags),
      language: input.language,
      dateline: nfc(input.dateline ?? ''),
      authors: (input.authors ?? []).map((a) => nfc(a.trim())),
      publishedAt: at,
      updatedAt: at,
      retraction: null,
    };
    const committed = await this.commit(article, 'publish', editor, '', publishChanges(article), article.tags);
    if (committed === 'version-taken') throw new AppError('INTERNAL', 'a new article id collided; retry');
    return committed;
  }

  /** Applies an editor's revision to exactly `expectedVersion`; of concurrent revisions of one version one wins. */
  async revise(id: string, expectedVersion: number, input: ReviseArticleBody, editor: string): Promise<Committed> {
    const current = await this.currentFor(id, expectedVersion);
    if (current.status === 'retracted') throw new AppError('ARTICLE_RETRACTED', 'a retracted article cannot be revised');
    if (current.version !== expectedVersion) throw versionConflict(current.version);
    const changes = diffArticle(current, normalizeChanges(input.changes));
    if (changes.length === 0) throw new AppError('NO_CHANGES', 'the changes equal the current article');
    const next = applyChanges(current, changes, this.deps.now().toISOString());
    const committed = await this.commit(next, input.kind, editor, nfc(input.note), changes, union(current.tags, next.tags));
    if (committed === 'version-taken') throw versionConflict(await this.latestVersion(id));
    return committed;
  }

  /** Retracts whatever the current version is (unless `expectedVersion` pins one); a retraction is final. */
  async retract(id: string, input: RetractArticleBody, editor: string, expectedVersion?: number): Promise<Committed> {
    let seenVersion = expectedVersion ?? 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.currentFor(id, seenVersion);
      if (current.status === 'retracted') throw new AppError('ARTICLE_RETRACTED', 'the article is already retracted');
      if (expectedVersion !== undefined && current.version !== expectedVersion) throw versionConflict(current.version);
      const { article, changes } = retractArticle(current, nfc(input.reason), this.deps.now().toISOString());
      const committed = await this.commit(article, 'retraction', editor, article.retraction!.reason, changes, current.tags);
      if (committed !== 'version-taken') return committed;
      if (expectedVersion !== undefined) throw versionConflict(await this.latestVersion(id));
      // that version exists, so our copy is stale (e.g. another instance revised it): read past it, from the log
      seenVersion = article.version;
    }
    throw new AppError('SERVICE_UNAVAILABLE', 'the article is changing too fast to retract; try again');
  }

  /** The article's current state; when the caller has seen a newer version than this instance, from the log. */
  private async currentFor(id: string, seenVersion: number): Promise<Article> {
    const known = this.deps.reads.articles.get(id) ?? (await this.deps.store.findArticle(id));
    if (known && known.version >= seenVersion) return known;
    const latest = await this.deps.store.latestEvent(id);
    if (!latest) throw new AppError('ARTICLE_NOT_FOUND', `no article ${id}`);
    this.deps.reads.articles.put(latest.article);
    return latest.article;
  }

  private async latestVersion(id: string): Promise<number> {
    return (await this.deps.store.latestEvent(id))?.version ?? 0;
  }

  private async commit(
    article: Article,
    kind: RevisionKind,
    editor: string,
    note: string,
    changes: FieldChange[],
    tags: string[],
  ): Promise<Committed | 'version-taken'> {
    const revision = makeRevision(article, kind, editor, note, changes);
    const event = await this.deps.log.append({
      type: EVENT_TYPE_OF[kind],
      at: article.updatedAt,
      articleId: article.id,
      version: article.version,
      tags,
      article,
      revision,
    });
    if (event === 'version-taken') return event;
    this.deps.onCommitted(event);
    this.deps.feed.offer(event);
    this.deps.reads.articles.put(article);
    this.deps.projections.enqueue(article);
    await waitAtMost(this.deps.feed.waitFor(event.seq), this.deps.applyTimeoutMs);
    return { article, revision, event };
  }
}

function versionConflict(currentVersion: number): AppError {
  return new AppError('VERSION_CONFLICT', `the article is at version ${currentVersion}`, { currentVersion });
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];
