import { LRUCache } from 'lru-cache';
import type { Article } from '../../contract/articles';

/** The most recently used or changed articles, by id; never lets an older version replace a newer one. */
export class ArticleCache {
  private readonly lru: LRUCache<string, Article>;

  constructor(capacity: number) {
    this.lru = new LRUCache({ max: capacity });
  }

  get(id: string): Article | undefined {
    return this.lru.get(id);
  }

  put(article: Article): void {
    const current = this.lru.peek(article.id);
    if (!current || current.version < article.version) this.lru.set(article.id, article);
  }

  get size(): number {
    return this.lru.size;
  }
}
