import { RelatedIndex } from '../../../src/related/related-index';
import { background, stories } from './fixtures';

function build(): RelatedIndex {
  const index = new RelatedIndex({ halfLifeHours: 24, maxDocuments: 100 });
  for (const s of [...background, ...stories]) index.upsert(s);
  return index;
}

const ids = (hits: Array<{ id: string }>): string[] => hits.map((h) => h.id);

describe('RelatedIndex.search (BM25)', () => {
  it('a Hindi query finds the Hindi story', () => {
    expect(ids(build().search('इस्पात शुल्क', { limit: 3 }))[0]).toBe('hi-steel-1');
    expect(ids(build().search('असम बाढ़', { language: 'hi', limit: 3 }))).toEqual(['hi-flood-1']);
  });

  it('a Hindi query matches inflected forms and nukta words', () => {
    const hits = build().search('मंत्रियों ज़रूरी', { limit: 3 });
    expect(ids(hits)).toEqual(['hi-pm-1']);
  });

  it('an English query finds the English stories, stemming both sides', () => {
    const hits = build().search('steel tariffs', { limit: 5 });
    expect(ids(hits).slice(0, 2).sort()).toEqual(['en-steel-1', 'en-steel-2']);
    expect(ids(build().search('flooding villages', { language: 'en', limit: 5 }))).toEqual(['en-flood-1']);
  });

  it('ranks by BM25: a headline match beats a body-only mention', () => {
    const hits = build().search('response', { limit: 5 });
    expect(ids(hits)[0]).toBe('en-steel-2');
    const index = build();
    const both = index.search('steel India', { limit: 5 });
    expect(both[0] && both[1] && both[0].score >= both[1].score).toBe(true);
  });

  it('filters by language and by tag', () => {
    const index = build();
    expect(ids(index.search('steel tariffs', { language: 'hi', limit: 5 }))).toEqual([]);
    expect(ids(index.search('Assam', { tag: 'ASSAM-FLOODS', limit: 5 }))).toEqual(['en-flood-1']);
    expect(ids(index.search('steel', { tag: 'weather', limit: 5 }))).toEqual([]);
  });

  it('returns [] for a query of stop words only, or limit 0', () => {
    expect(build().search('the of है और', { limit: 5 })).toEqual([]);
    expect(build().search('steel', { limit: 0 })).toEqual([]);
  });
});
