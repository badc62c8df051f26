/**
 * Tokenizer shared by indexing and querying (both must use it identically).
 *
 * Pipeline: NFC -> drop in-word format characters -> join apostrophe
 * contractions -> lower-case -> Devanagari digits to ASCII -> split into runs
 * of letters, combining marks and digits -> drop 1-character tokens and stop
 * words -> stem by script.
 *
 * Why a hand-written Unicode regex rather than a library tokenizer: checked
 * against Devanagari, natural's WordTokenizer splits on /[^A-Za-zА-Яа-я0-9_]+/
 * and so destroys every Hindi word, and natural's Hindi AggressiveTokenizer
 * deletes danda (।) without a space, gluing the last word of one sentence to
 * the first of the next, and keeps quotes attached to words. A run of
 * [\p{L}\p{M}\p{N}] keeps matras (U+093E–U+094C), nukta (U+093C), virama
 * (U+094D) and anusvara/chandrabindu/visarga (U+0901–U+0903), all \p{M},
 * inside their word, while danda/double danda (U+0964/U+0965, \p{Po}) and all
 * other punctuation and symbols separate words.
 *
 * Stemming is chosen by script, not by the story's language, because stories
 * mix scripts: Latin tokens get the Porter2 (Snowball English) stemmer from
 * wink-porter2-stemmer when `language` is English or Hindi (Latin words in a
 * Hindi story are English), and are left unstemmed for other languages, where
 * English rules would corrupt them. Devanagari tokens get the conservative
 * Hindi suffix stripping of hindi-stemmer.ts.
 */
/// <reference path="./wink-porter2-stemmer.d.ts" />
import porter2 from 'wink-porter2-stemmer';
import { stemHindi } from './hindi-stemmer';
import { isStopWord } from './stopwords';

/** ZWNJ, ZWJ, soft hyphen: invisible \p{Cf} characters that occur inside Indic words. */
const IN_WORD_FORMAT = /[\u200C\u200D\u00AD]/g;
/** "India's", "don't" -> one token; the Porter2 stemmer then drops a trailing possessive s. */
const APOSTROPHE_IN_WORD = /(\p{L})['’](?=\p{L})/gu;
const DEVANAGARI_DIGIT = /[\u0966-\u096F]/g;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const LATIN_START = /^[a-z\u00C0-\u024F]/;
const DEVANAGARI_START = /^[\u0900-\u097F]/;

/**
 * Memo of Porter2 results (the stemmer runs ~20 regexes per word and was half
 * of the indexing time); news vocabulary is Zipfian, so hits dominate. Bounded
 * by dropping the whole memo when full.
 */
const STEM_MEMO_MAX = 50_000;
const stemMemo = new Map<string, string>();

function stemEnglish(word: string): string {
  let stem = stemMemo.get(word);
  if (stem === undefined) {
    if (stemMemo.size >= STEM_MEMO_MAX) stemMemo.clear();
    stem = porter2(word);
    stemMemo.set(word, stem);
  }
  return stem;
}

/** Primary language subtag, lower-cased: 'hi-IN' -> 'hi'. */
export function primaryLanguage(language: string): string {
  return (language.split(/[-_]/)[0] ?? '').trim().toLowerCase();
}

/** Text normalisation applied before splitting; exported for tests. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(IN_WORD_FORMAT, '')
    .replace(APOSTROPHE_IN_WORD, '$1')
    .toLowerCase()
    .replace(DEVANAGARI_DIGIT, (d) => String(d.charCodeAt(0) - 0x0966));
}

/** Words of `text` with no stop-word removal or stemming (NFC, lower-cased). */
export function splitWords(text: string): string[] {
  return normalizeText(text).match(WORD) ?? [];
}

/**
 * Index terms of `text`, in order, duplicates kept (callers count them).
 * `language` is the story's (or query's) language; see the header for its use.
 */
export function tokenize(text: string, language: string): string[] {
  const lang = primaryLanguage(language);
  const stemLatin = lang === 'en' || lang === 'hi' || lang === '';
  const out: string[] = [];
  for (const word of splitWords(text)) {
    if ([...word].length < 2 || isStopWord(word)) continue;
    let term = word;
    if (DEVANAGARI_START.test(word)) term = stemHindi(word);
    else if (stemLatin && LATIN_START.test(word)) term = stemEnglish(word);
    if (term.length > 0) out.push(term);
  }
  return out;
}
