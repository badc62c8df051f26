/**
 * RelatedIndex: pure, in-memory, incremental index of published stories that
 * answers "related stories" and BM25 search in Hindi and English.
 *
 * Contracts:
 * - Only published stories are indexed: upserting a retracted story removes
 *   it; removed stories never appear in any result, nor does a story in its
 *   own related list.
 * - related() never scans all stories: candidates are the union of the
 *   postings of the story's tags and of its TOP_K_TERMS best terms (by
 *   tf-idf), read rarest first and capped at MAX_CANDIDATES; only those are
 *   scored. A story sharing no tag and none of those terms is never returned.
 * - related() scores are normalised to [0, 1] (see scoring.ts), so a fixed
 *   threshold (DEFAULT_RELATED_THRESHOLD) means the same thing on any corpus
 *   size. search() scores are raw BM25, comparable only within one answer.
 * - Bounded: past maxDocuments the story with the oldest publishedAt is
 *   evicted (not the least recently inserted): newsroom interest decays with a
 *   story's age, recency decay already pushes old stories down the related
 *   lists, and a late backfill of an archive story must not push out today's
 *   news. An upserted story older than everything in a full index is thus
 *   dropped at once.
 * - Not thread-safe and not persistent: rebuild it from the store at start-up.
 */
import { primaryLanguage, tokenize } from './tokenizer';
import { MinHeap } from './min-heap';
import { scoreRelated, type IndexedDoc, type IndexStats } from './similarity';
import { BM25_B, BM25_K1, DEFAULT_RELATED_THRESHOLD, FIELD_WEIGHTS, bm25Idf } from './scoring';
import type {
  RankableArticle, RelatedHit, RelatedIndexOptions, SearchHit, SearchOptions,
} from './types';

interface HeapEntry { publishedMs: number; id: string; seq: number }

/** Tags are matched case- and normalisation-insensitively. */
export function normalizeTag(tag: string): string {
  return tag.normalize('NFC').trim().toLowerCase();
}

export class RelatedIndex implements IndexStats {
  readonly halfLifeHours: number;
  readonly maxDocuments: number;
  private readonly now: () => number;

  private readonly docs = new Map<string, IndexedDoc>();
  /** term -> (story id -> field-weighted term frequency); df = postings size. */
  readonly postings = new Map<string, Map<string, number>>();
  /** tag -> story ids; df of a tag = set size. */
  readonly tagIndex = new Map<string, Set<string>>();
  private totalLength = 0;
  private seq = 0;
  private mutationCount = 0;
  private readonly byAge = new MinHeap<HeapEntry>(
    (a, b) => a.publishedMs < b.publishedMs || (a.publishedMs === b.publishedMs && a.seq < b.seq),
  );

  constructor(options: RelatedIndexOptions) {
    if (!(options.halfLifeHours > 0)) throw new RangeError('halfLifeHours must be > 0');
    if (!(Number.isInteger(options.maxDocuments) && options.maxDocuments >= 1)) {
      throw new RangeError('maxDocuments must be an integer >= 1');
    }
    this.halfLifeHours = options.halfLifeHours;
    this.maxDocuments = options.maxDocuments;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Upserts and removals so far (read by the norm cache in similarity.ts). */
  get mutations(): number {
    return this.mutationCount;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** The stored form of a story (for scoring code and diagnostics; do not mutate). */
  getDoc(id: string): IndexedDoc | undefined {
    return this.docs.get(id);
  }

  /**
   * Index or re-index a story (idempotent). A retracted story is removed.
   * Throws RangeError when publishedAt does not parse as a date.
   */
  upsert(article: RankableArticle): void {
    if (article.status !== 'published') {
      this.remove(article.id);
      return;
    }
    const publishedMs = Date.parse(article.publishedAt);
    if (Number.isNaN(publishedMs)) throw new RangeError(`publishedAt is not a date: ${article.publishedAt}`);
    this.remove(article.id);

    const tf = new Map<string, number>();
    let length = 0;
    const fields: Array<[string, number]> = [
      [article.headline, FIELD_WEIGHTS.headline],
      [article.summary, FIELD_WEIGHTS.summary],
      [article.body, FIELD_WEIGHTS.body],
    ];
    for (const [text, weight] of fields) {
      for (const term of tokenize(text, article.language)) {
        tf.set(term, (tf.get(term) ?? 0) + weight);
        length += weight;
      }
    }
    const tags = [...new Set(article.tags.map(normalizeTag).filter((t) => t.length > 0))];
    const doc: IndexedDoc = {
      id: article.id, language: primaryLanguage(article.language), publishedMs, tags, tf, length,
      seq: ++this.seq,
    };
    this.docs.set(doc.id, doc);
    this.mutationCount++;
    this.totalLength += length;
    for (const [term, count] of tf) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = new Map()));
      list.set(doc.id, count);
    }
    for (const tag of tags) {
      let ids = this.tagIndex.get(tag);
      if (!ids) this.tagIndex.set(tag, (ids = new Set()));
      ids.add(doc.id);
    }
    this.byAge.push({ publishedMs, id: doc.id, seq: doc.seq });
    this.evictOverflow();
  }

  /** Remove a story; returns whether it was indexed. */
  remove(id: string): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    this.docs.delete(id);
    this.mutationCount++;
    this.totalLength -= doc.length;
    for (const term of doc.tf.keys()) {
      const list = this.postings.get(term);
      list?.delete(id);
      if (list && list.size === 0) this.postings.delete(term);
    }
    for (const tag of doc.tags) {
      const ids = this.tagIndex.get(tag);
      ids?.delete(id);
      if (ids && ids.size === 0) this.tagIndex.delete(tag);
    }
    // The heap entry goes stale (seq no longer matches); drop stale entries
    // in bulk once they outnumber live ones so memory stays O(size).
    if (this.byAge.length > 2 * this.docs.size + 32) {
      this.byAge.rebuild([...this.docs.values()].map((d) => ({ publishedMs: d.publishedMs, id: d.id, seq: d.seq })));
    }
    return true;
  }

  clear(): void {
    this.docs.clear();
    this.postings.clear();
    this.tagIndex.clear();
    this.byAge.clear();
    this.totalLength = 0;
  }

  /** Stories related to `id`, best first; [] when `id` is not indexed. */
  related(id: string, limit: number): RelatedHit[] {
    const source = this.docs.get(id);
    if (!source || limit <= 0) return [];
    return scoreRelated(this, source, this.halfLifeHours).slice(0, limit);
  }

  /**
   * Stories that a (typically newly published) story `id` is strongly related
   * to, for pushing `related.published` to their rooms: score >= threshold
   * and published within the last `withinHours` of now() (older stories have
   * no live audience worth notifying). Best first, at most `limit`.
   */
  relatedAbove(
    id: string,
    threshold: number = DEFAULT_RELATED_THRESHOLD,
    limit = 20,
    withinHours = 72,
  ): RelatedHit[] {
    const source = this.docs.get(id);
    if (!source || limit <= 0) return [];
    const since = this.now() - withinHours * 3_600_000;
    return scoreRelated(this, source, this.halfLifeHours)
      .filter((hit) => hit.score >= threshold && (this.docs.get(hit.id)?.publishedMs ?? -Infinity) >= since)
      .slice(0, limit);
  }

  /**
   * BM25 search (field-weighted term counts, k1 = 1.2, b = 0.75) over the
   * same index. The query is tokenized like stories of `opts.language`
   * (English stemming when absent). Only postings of the query terms are read.
   * A query with no indexable term returns [].
   */
  search(query: string, opts: SearchOptions): SearchHit[] {
    if (opts.limit <= 0 || this.docs.size === 0) return [];
    const terms = [...new Set(tokenize(query, opts.language ?? 'en'))];
    const language = opts.language === undefined ? undefined : primaryLanguage(opts.language);
    const tag = opts.tag === undefined ? undefined : normalizeTag(opts.tag);
    const tagIds = tag === undefined ? undefined : this.tagIndex.get(tag) ?? new Set<string>();
    const n = this.docs.size;
    const avgLength = this.totalLength / n || 1;
    const scores = new Map<string, number>();
    for (const term of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = bm25Idf(list.size, n);
      for (const [docId, tf] of list) {
        if (tagIds && !tagIds.has(docId)) continue;
        const doc = this.docs.get(docId);
        if (!doc || (language !== undefined && doc.language !== language)) continue;
        const norm = tf + BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / avgLength);
        scores.set(docId, (scores.get(docId) ?? 0) + (idf * tf * (BM25_K1 + 1)) / norm);
      }
    }
    return [...scores]
      .map(([docId, score]) => ({ id: docId, score }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, opts.limit);
  }

  private evictOverflow(): void {
    while (this.docs.size > this.maxDocuments) {
      const oldest = this.byAge.pop();
      if (!oldest) return;
      if (this.docs.get(oldest.id)?.seq === oldest.seq) this.remove(oldest.id);
    }
  }
}
