/**
 * Conservative Hindi suffix stripping (a subset of the light-stemmer idea of
 * Ramanathan & Rao, 2003), applied to Devanagari tokens only.
 *
 * No kept npm package ships a Hindi stemmer that works under CommonJS, so this
 * is hand-written and deliberately narrow: only plural / oblique-plural noun
 * endings, which are the commonest reason the same news subject is spelled
 * differently ("चुनाव" / "चुनावों", "कंपनी" / "कंपनियों"). Gender and
 * case vowel endings (ा ी े) are NOT stripped: that would conflate unrelated
 * words such as "राजा" (king) and "राज" (rule), and in a related-stories
 * ranker a false match costs more than a missed inflection.
 *
 * Input must be NFC. Output is the stem; a word not matching a rule, or whose
 * remainder would be shorter than MIN_STEM code points, is returned as is.
 */

const MIN_STEM = 2;

/** [suffix, replacement], longest suffixes first (first match wins). */
const RULES: ReadonlyArray<readonly [string, string]> = [
  ['ियों', 'ी'], // कंपनियों -> कंपनी, नदियों -> नदी
  ['ियाँ', 'ी'], // कंपनियाँ -> कंपनी
  ['ियां', 'ी'], // कंपनियां -> कंपनी
  ['ाओं', 'ा'], // घटनाओं -> घटना, भाषाओं -> भाषा
  ['ाएँ', 'ा'], // घटनाएँ -> घटना
  ['ाएं', 'ा'], // घटनाएं -> घटना
  ['ों', ''], // चुनावों -> चुनाव, किसानों -> किसान
  ['ें', ''], // सरकारें -> सरकार, बातें -> बात
];

export function stemHindi(word: string): string {
  for (const [suffix, replacement] of RULES) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, word.length - suffix.length);
    if ([...stem].length < MIN_STEM) return word;
    return stem + replacement;
  }
  return word;
}
