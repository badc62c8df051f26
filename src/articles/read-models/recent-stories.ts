import type { Article } from '../../contract/articles';
import type { ListPosition } from '../article-store';

export interface StoryQuery {
  tag?: string;
  language?: string;
  before?: ListPosition;
  limit: number;
}

/** Newest first: publishedAt, then id, both descending. */
const newerFirst = (a: ListPosition, b: ListPosition): number =>
  a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.publishedAt < b.publishedAt ? 1 : -1;

/**
 * The newest `capacity` published stories, newest first, with a per-tag index: tag pages and the front page are
 * served from here without touching the database. `page` says whether its answer is complete; when the window
 * is full and a page runs past its oldest story, the caller continues from the database.
 */
export class RecentStories {
  private all: Article[] = [];
  private readonly byTag = new Map<string, Article[]>();
  private readonly byId = new Map<string, Article>();
  /** True once a story has been dropped (or never loaded): older stories exist outside the window. */
  private truncated = false;

  constructor(private readonly capacity: number) {}

  /** Seeds the window with the newest stories, `complete` when they are all there are. */
  load(stories: readonly Article[], complete: boolean): void {
    this.all = [];
    this.byTag.clear();
    this.byId.clear();
    this.truncated = !complete;
    for (const story of stories) this.upsert(story);
  }

  /** Applies the latest version of an article: adds, moves between tags, or removes when retracted. */
  upsert(article: Article): void {
    const old = this.byId.get(article.id);
    if (old === undefined && article.status !== 'published') return;
    if (old !== undefined && old.version > article.version) return;
    this.remove(article);
    if (article.status !== 'published') return;
    const oldest = this.all[this.all.length - 1];
    if (this.truncated && this.all.length >= this.capacity && oldest && newerFirst(article, oldest) > 0) return;
    insertSorted(this.all, article);
    this.byId.set(article.id, article);
    for (const tag of article.tags) {
      const list = this.byTag.get(tag) ?? [];
      insertSorted(list, article);
      this.byTag.set(tag, list);
    }
    if (this.all.length > this.capacity) this.dropOldest();
  }

  /** A page from the window and whether it is the whole answer (false: continue in the database after it). */
  page(query: StoryQuery): { items: Article[]; complete: boolean } {
    const source = query.tag === undefined ? this.all : (this.byTag.get(query.tag) ?? []);
    const start = query.before ? upperBound(source, query.before) : 0;
    const items: Article[] = [];
    for (let i = start; i < source.length && items.length < query.limit; i++) {
      const story = source[i]!;
      if (query.language === undefined || story.language === query.language) items.push(story);
    }
    return { items, complete: items.length === query.limit || !this.truncated };
  }

  get size(): number {
    return this.all.length;
  }

  private remove(article: Article): void {
    const old = this.byId.get(article.id);
    if (!old) return;
    this.byId.delete(article.id);
    this.all = this.all.filter((s) => s.id !== article.id);
    for (const tag of old.tags) {
      const list = this.byTag.get(tag)?.filter((s) => s.id !== article.id) ?? [];
      if (list.length > 0) this.byTag.set(tag, list);
      else this.byTag.delete(tag);
    }
  }

  private dropOldest(): void {
    const oldest = this.all[this.all.length - 1];
    if (oldest) this.remove(oldest);
    this.truncated = true;
  }
}

function insertSorted(list: Article[], article: Article): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newerFirst(list[mid]!, article) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, article);
}

/** Index of the first story strictly older than `position`. */
function upperBound(list: readonly Article[], position: ListPosition): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newerFirst(list[mid]!, position) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
