/**
 * Types of the in-memory related-stories / search engine.
 *
 * Contract: this folder imports nothing from other `src/` folders. Callers map
 * their own article documents onto `RankableArticle` (a plain object) before
 * handing them to `RelatedIndex`.
 */

/** The only article shape the ranking engine sees. */
export interface RankableArticle {
  id: string;
  status: 'published' | 'retracted';
  headline: string;
  summary: string;
  body: string;
  tags: string[];
  /** BCP-47-ish code: 'hi' | 'en' | other. Compared on its primary subtag ('hi-IN' ~ 'hi'). */
  language: string;
  /** ISO 8601 UTC timestamp. */
  publishedAt: string;
}

export interface RelatedIndexOptions {
  /** Half-life of the recency decay between two stories, in hours (> 0). */
  halfLifeHours: number;
  /** Upper bound on indexed stories (>= 1); the oldest by publishedAt are evicted past it. */
  maxDocuments: number;
  /** Clock in epoch milliseconds (tests inject one). Defaults to Date.now. */
  now?: () => number;
}

export interface RelatedReasons {
  /** Normalised tags both stories carry, rarest (most telling) first. */
  sharedTags: string[];
  /** Shared index terms (stems) that contributed most to the text similarity. */
  topTerms: string[];
  sameLanguage: boolean;
}

export interface RelatedHit {
  id: string;
  /** Normalised relatedness in [0, 1]; comparable across requests (see scoring.ts). */
  score: number;
  reasons: RelatedReasons;
}

export interface SearchOptions {
  /** Only stories of this language (primary subtag compared). Also picks the query's stemming. */
  language?: string;
  /** Only stories carrying this tag (normalised like indexed tags). */
  tag?: string;
  limit: number;
}

export interface SearchHit {
  id: string;
  /** Raw BM25 score: only comparable within one result list. */
  score: number;
}
