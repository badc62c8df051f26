/**
 * Candidate gathering and scoring for RelatedIndex.related().
 *
 * Text similarity is the cosine of sub-linear tf-idf vectors over the
 * field-weighted term counts (headline x3, summary x1.5, body x1): cosine is
 * symmetric and bounded to [0, 1], which BM25 is not. Tag similarity is a
 * noisy-OR of the shared tags' rarities (tagSimilarity in scoring.ts), so one
 * shared specific tag counts far more than several tags that half the stories
 * carry, and tags a story has but the other lacks cost nothing.
 * IDFs are read from the live index at request time, so scores follow the
 * corpus as it changes. The one cache is each candidate's vector norm (a pass
 * over all its terms, the dominant cost): it is recomputed once the index has
 * changed by more than NORM_REFRESH_FRACTION of its size since, so its drift
 * stays small, and the text cosine is clamped to [0, 1].
 */
import {
  MAX_CANDIDATES, REASON_TERMS, TOP_K_TERMS, blendScore, rarityIdf, recencyFactor, tagRarity, tagSimilarity,
  termWeight,
} from './scoring';
import type { RelatedHit } from './types';

/** A story as stored in the index. */
export interface IndexedDoc {
  id: string;
  /** Primary language subtag. */
  language: string;
  publishedMs: number;
  /** Normalised, de-duplicated tags. */
  tags: string[];
  /** term -> field-weighted term frequency. */
  tf: Map<string, number>;
  /** Sum of field-weighted term counts (BM25 length). */
  length: number;
  /** Insertion sequence, to recognise stale eviction-heap entries. */
  seq: number;
  /** Cached tf-idf vector norm and the index mutation count when computed. */
  norm?: number;
  normAt?: number;
}

/** The read-only view of the index that scoring needs. */
export interface IndexStats {
  readonly size: number;
  /** Count of upserts and removals so far (drives norm-cache refresh). */
  readonly mutations: number;
  readonly postings: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly tagIndex: ReadonlyMap<string, ReadonlySet<string>>;
  getDoc(id: string): IndexedDoc | undefined;
}

function termIdf(index: IndexStats, term: string): number {
  return rarityIdf(index.postings.get(term)?.size ?? 0, index.size);
}

function tagIdf(index: IndexStats, tag: string): number {
  return rarityIdf(index.tagIndex.get(tag)?.size ?? 0, index.size);
}

/** Index changes, as a fraction of its size, after which a cached norm is recomputed. */
const NORM_REFRESH_FRACTION = 0.05;

/** The source's weights, idfs and norm, computed fresh per request. */
function textVector(index: IndexStats, doc: IndexedDoc): { weights: Map<string, number>; idf: Map<string, number>; norm: number } {
  const weights = new Map<string, number>();
  const idf = new Map<string, number>();
  let sq = 0;
  for (const [term, tf] of doc.tf) {
    const i = termIdf(index, term);
    const w = termWeight(tf, i);
    if (w <= 0) continue;
    weights.set(term, w);
    idf.set(term, i);
    sq += w * w;
  }
  return { weights, idf, norm: Math.sqrt(sq) };
}

function cachedNorm(index: IndexStats, doc: IndexedDoc): number {
  const maxDrift = Math.max(32, NORM_REFRESH_FRACTION * index.size);
  if (doc.norm === undefined || doc.normAt === undefined || index.mutations - doc.normAt > maxDrift) {
    let sq = 0;
    for (const [term, tf] of doc.tf) sq += termWeight(tf, termIdf(index, term)) ** 2;
    doc.norm = Math.sqrt(sq);
    doc.normAt = index.mutations;
  }
  return doc.norm;
}

/**
 * Candidate ids: postings of the source's tags and TOP_K_TERMS best terms,
 * read from the rarest list to the most common and stopping at
 * MAX_CANDIDATES, so a tag or term on most stories cannot turn a request into
 * a full scan. Excludes the source itself.
 */
function gatherCandidates(index: IndexStats, source: IndexedDoc, weights: Map<string, number>): Set<string> {
  const topTerms = [...weights].sort((a, b) => b[1] - a[1]).slice(0, TOP_K_TERMS).map(([t]) => t);
  const lists: Array<{ size: number; ids: Iterable<string> }> = [];
  for (const tag of source.tags) {
    const ids = index.tagIndex.get(tag);
    if (ids) lists.push({ size: ids.size, ids });
  }
  for (const term of topTerms) {
    const list = index.postings.get(term);
    if (list) lists.push({ size: list.size, ids: list.keys() });
  }
  lists.sort((a, b) => a.size - b.size);
  const out = new Set<string>();
  for (const list of lists) {
    for (const id of list.ids) {
      if (out.size >= MAX_CANDIDATES) return out;
      if (id !== source.id) out.add(id);
    }
  }
  return out;
}

/** Per-request view of the source story. */
export interface SourceProfile {
  doc: IndexedDoc;
  weights: Map<string, number>;
  idf: Map<string, number>;
  norm: number;
  tags: Set<string>;
}

export function sourceProfile(index: IndexStats, doc: IndexedDoc): SourceProfile {
  const vec = textVector(index, doc);
  return { doc, ...vec, tags: new Set(doc.tags) };
}

export interface PairSignals {
  tagSim: number;
  textSim: number;
  /** Shared tags, rarest first. */
  sharedTags: string[];
  /** Shared terms by contribution to textSim, largest first. */
  topTerms: string[];
}

/** Tag and text similarity of a candidate to the source, each in [0, 1]. */
export function pairSignals(index: IndexStats, src: SourceProfile, cand: IndexedDoc): PairSignals {
  const sharedTags = cand.tags.filter((t) => src.tags.has(t));
  const tagSim = tagSimilarity(sharedTags.map((t) => tagRarity(index.tagIndex.get(t)?.size ?? 0, index.size)));

  // Dot product over shared terms, walking the smaller of the two term maps.
  const contributions: Array<[string, number]> = [];
  let textDot = 0;
  const addShared = (term: string, candTf: number): void => {
    const sw = src.weights.get(term);
    const idf = src.idf.get(term);
    if (sw === undefined || idf === undefined) return;
    const product = sw * termWeight(candTf, idf);
    textDot += product;
    contributions.push([term, product]);
  };
  if (cand.tf.size <= src.weights.size) {
    for (const [term, tf] of cand.tf) addShared(term, tf);
  } else {
    for (const term of src.weights.keys()) {
      const tf = cand.tf.get(term);
      if (tf !== undefined) addShared(term, tf);
    }
  }
  const candNorm = textDot > 0 ? cachedNorm(index, cand) : 0;
  const textSim = textDot > 0 && candNorm > 0 ? Math.min(1, textDot / (src.norm * candNorm)) : 0;

  sharedTags.sort((a, b) => tagIdf(index, b) - tagIdf(index, a) || a.localeCompare(b));
  contributions.sort((a, b) => b[1] - a[1]);
  return { tagSim, textSim, sharedTags, topTerms: contributions.slice(0, REASON_TERMS).map(([t]) => t) };
}

/** All scored candidates of `source`, best first (ties by id for stable output). */
export function scoreRelated(index: IndexStats, source: IndexedDoc, halfLifeHours: number): RelatedHit[] {
  const src = sourceProfile(index, source);
  const hits: RelatedHit[] = [];
  for (const id of gatherCandidates(index, source, src.weights)) {
    const cand = index.getDoc(id);
    if (!cand) continue;
    const { tagSim, textSim, sharedTags, topTerms } = pairSignals(index, src, cand);
    if (tagSim <= 0 && textSim <= 0) continue;
    const sameLanguage = cand.language === source.language;
    const recency = recencyFactor(cand.publishedMs - source.publishedMs, halfLifeHours);
    const score = Math.min(1, blendScore(tagSim, textSim, recency, sameLanguage));
    hits.push({ id, score, reasons: { sharedTags, topTerms, sameLanguage } });
  }
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
