/**
 * Weights and pure scoring functions of RelatedIndex. Every constant here is
 * a product decision; the reasons are next to each one.
 *
 * related() score = (TAG_WEIGHT * tagSim + TEXT_WEIGHT * textSim)
 *                   * recencyFactor * (same language ? 1 : CROSS_LANGUAGE_FACTOR)
 *
 * Checked with scripts/eval-related.ts on the 64-story labelled sample set
 * (8 subjects, Hindi + English, half-life 72 h): precision@3 overall 0.937,
 * on stories with only generic tags 0.875 (targets 0.8 / 0.6); with recency
 * decay switched off, 0.896 / 0.708, so the content signals alone meet the
 * targets. The first version (tag cosine, weights 0.5 / 0.5, floor 0.5) gave
 * 0.859 / 0.563: identical generic tag sets scored a perfect tag cosine. The
 * noisy-OR tag similarity fixed that; with it every tag weight from 0.3 to
 * 0.6 and floors 0.2-0.35 gave 0.92-0.94 overall, so the middle of that
 * plateau was taken rather than the single best grid point.
 */

/**
 * Field weights applied to term counts (BM25F-style: a headline word counts
 * as three body words). Headlines are editor-condensed statements of the
 * subject; summaries are a step less dense; bodies carry background that is
 * shared by unrelated stories ("said", places, officials).
 */
export const FIELD_WEIGHTS = { headline: 3, summary: 1.5, body: 1 } as const;

/** Standard BM25 parameters (Robertson / Lucene defaults). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * Blend of the two content signals, summing to 1 so the content score stays
 * in [0, 1]. Text gets the larger weight because its cosine runs on a smaller
 * scale (same-event stories in one language score ~0.15-0.35, unrelated ones
 * < 0.06 on the sample set) and it is available for every same-language
 * pair, whereas tags are editor-chosen and often only generic ("economy").
 * Tags are still the only signal linking a Hindi and an English story on one
 * event, so their weight cannot go much lower: 0.4 lets a shared specific tag
 * alone (tag similarity ~0.6-0.9) outrank same-language stories that merely
 * share vocabulary (text < 0.1).
 */
export const TAG_WEIGHT = 0.4;
export const TEXT_WEIGHT = 0.6;

/**
 * Recency: factor = FLOOR + (1 - FLOOR) * 2^(-|Δt| / halfLife), where Δt is
 * the gap between the two stories' publishedAt (not "now"): relatedness of two
 * stories does not change while they age, so results are stable and
 * cacheable, and a follow-up published a week later is still tied to its
 * origin. News events cluster in time, so the decay is real evidence, but the
 * floor keeps a strong content match from last month (an anniversary, a
 * verdict in an old case) above a fresh weak one: at most ~3x apart.
 */
export const RECENCY_FLOOR = 0.35;

/**
 * Mild same-language preference: a cross-language pair keeps 85 % of its
 * score. A reader usually wants stories in their language, but a Hindi and an
 * English story sharing a specific tag still clearly outrank pairs sharing
 * only generic tags (see TAG_WEIGHT).
 */
export const CROSS_LANGUAGE_FACTOR = 0.85;

/** Terms of the source story whose postings are gathered as candidates. */
export const TOP_K_TERMS = 20;
/** Upper bound on scored candidates per request (rarest postings are read first). */
export const MAX_CANDIDATES = 300;
/** Shared terms reported in `reasons.topTerms`. */
export const REASON_TERMS = 5;

/**
 * Default threshold for relatedAbove (score in [0, 1]), used to push
 * `related.published` into other stories' rooms, so precision matters more
 * than recall: a wrong push is visible noise, a missed one only means the
 * reader finds the story in the related list instead. On the 64-story sample
 * set (eval-related.ts), among pairs published within 72 h of each other,
 * >= 0.25 kept 98 pairs, all of the same subject (46 % of same-subject pairs,
 * a third of the cross-language ones); 0.20 let 6 % wrong pairs through.
 * Reaching it takes e.g. a shared specific tag plus a fair text match, or,
 * across languages, two or more shared rare tags.
 */
export const DEFAULT_RELATED_THRESHOLD = 0.25;

/** BM25 IDF (always > 0, so a term present everywhere still matches a query). */
export function bm25Idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * Rarity weight for similarity vectors: ln((N+1)/(df+0.5)). A tag or term on
 * every story weighs ~0, on half of them ~ln 2, on one story ~ln(N). This is
 * what makes a rare shared tag outrank a common one.
 */
export function rarityIdf(df: number, n: number): number {
  return Math.max(0, Math.log((n + 1) / (df + 0.5)));
}

/**
 * How telling a tag is, in [0, 1]: its rarityIdf relative to the largest
 * possible (a tag on a single story). With 64 stories a tag on half of them
 * scores ~0.18, one on 6 stories ~0.6, one on 2 stories ~0.86.
 */
export function tagRarity(df: number, n: number): number {
  const max = rarityIdf(1, n);
  return max > 0 ? Math.min(1, rarityIdf(df, n) / max) : 0;
}

/**
 * Tag similarity from the rarities of the shared tags: a noisy-OR,
 * 1 - Π(1 - rarity). Each shared tag is independent evidence of one event;
 * unlike a cosine, tags that only one story carries (a reporter's extra
 * person tags) do not dilute it, and two stories whose only tags are the
 * same generic ones do not reach 1.
 */
export function tagSimilarity(sharedRarities: readonly number[]): number {
  return 1 - sharedRarities.reduce((rest, r) => rest * (1 - Math.max(0, Math.min(1, r))), 1);
}

/** Sub-linear term weight of one story's term for cosine similarity. */
export function termWeight(weightedTf: number, idf: number): number {
  return weightedTf > 0 ? (1 + Math.log(weightedTf)) * idf : 0;
}

export function recencyFactor(deltaMs: number, halfLifeHours: number): number {
  const hours = Math.abs(deltaMs) / 3_600_000;
  return RECENCY_FLOOR + (1 - RECENCY_FLOOR) * Math.pow(2, -hours / halfLifeHours);
}

/** Final normalised score in [0, 1]. */
export function blendScore(tagSim: number, textSim: number, recency: number, sameLanguage: boolean): number {
  const content = TAG_WEIGHT * tagSim + TEXT_WEIGHT * textSim;
  return content * recency * (sameLanguage ? 1 : CROSS_LANGUAGE_FACTOR);
}
