// Minimal typing for wink-porter2-stemmer (CommonJS, ships no types):
// `module.exports = function (word: string): string`.
declare module 'wink-porter2-stemmer' {
  function stem(word: string): string;
  export = stem;
}
