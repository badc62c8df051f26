/**
 * Stop words: stopwords-iso's Hindi and English lists, NFC-normalised.
 *
 * Both lists are applied to every text whatever its `language`, because
 * Dateline stories mix scripts (Hindi copy quotes English names and terms).
 *
 * Why an exception list: stopwords-iso's English list is the union of several
 * web-search lists and also drops content words that carry a news story
 * ("fire", "bill", "state", "million", "interest", "world", "test", ...).
 * Dropping them would make a fire story unrelatable by the word "fire". The
 * words below stay searchable; IDF already discounts the ones that turn out
 * to be common in the corpus.
 *
 * Why NFC: two entries of the Hindi list (काफ़ी, वग़ैरह) are shipped with
 * precomposed nukta letters that NFC decomposes, so they would never match
 * NFC-normalised tokens without this.
 */
import stopwordsIso from 'stopwords-iso';

const NEWS_CONTENT_WORDS: ReadonlySet<string> = new Set([
  'bill', 'billion', 'case', 'cases', 'computer', 'fire', 'group', 'groups',
  'home', 'interest', 'interests', 'member', 'members', 'microsoft', 'million',
  'novel', 'open', 'research', 'ring', 'room', 'rooms', 'state', 'states',
  'system', 'test', 'trillion', 'value', 'world',
]);

function build(): ReadonlySet<string> {
  const words = new Set<string>();
  for (const w of [...stopwordsIso.hi, ...stopwordsIso.en]) {
    const n = w.normalize('NFC').toLowerCase();
    if (!NEWS_CONTENT_WORDS.has(n)) words.add(n);
  }
  return words;
}

const STOP_WORDS = build();

/** True for a (NFC, lower-cased) token that should not be indexed. */
export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}
