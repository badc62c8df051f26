import type { Article } from '../contract/articles';
import type { ArticleStore } from './article-store';

/**
 * Writes article documents after their event is committed, off the request path: the log is the truth and
 * start-up repair finishes any write a crash interrupted. Writes of one article run one after another, newest
 * last, so this instance never regresses a document; `flush` waits for all of them (clean shutdown, tests).
 */
export class ProjectionWriter {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Pick<ArticleStore, 'saveArticle'>,
    private readonly onError: (err: unknown, article: Article) => void,
  ) {}

  enqueue(article: Article): void {
    const previous = this.chains.get(article.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.store.saveArticle(article))
      .catch((err) => this.onError(err, article))
      .finally(() => {
        if (this.chains.get(article.id) === next) this.chains.delete(article.id);
      });
    this.chains.set(article.id, next);
  }

  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }
}
