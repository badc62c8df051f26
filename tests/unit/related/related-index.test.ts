import { RelatedIndex } from '../../../src/related/related-index';
import { DEFAULT_RELATED_THRESHOLD } from '../../../src/related/scoring';
import type { IndexedDoc } from '../../../src/related/similarity';
import { T0, article, background, hoursAfter, stories } from './fixtures';

function build(maxDocuments = 100): RelatedIndex {
  const index = new RelatedIndex({ halfLifeHours: 24, maxDocuments, now: () => T0 + 6 * 3_600_000 });
  for (const s of [...background, ...stories]) index.upsert(s);
  return index;
}

const ids = (hits: Array<{ id: string }>): string[] => hits.map((h) => h.id);

describe('RelatedIndex.related', () => {
  it('finds same-event stories, best first, never the story itself, scores in [0, 1]', () => {
    const hits = build().related('en-steel-1', 10);
    expect(ids(hits).slice(0, 2)).toEqual(['en-steel-2', 'hi-steel-1']);
    expect(ids(hits)).not.toContain('en-steel-1');
    for (const h of hits) expect(h.score).toBeGreaterThan(0), expect(h.score).toBeLessThanOrEqual(1);
    const first = hits[0];
    expect(first?.reasons.sharedTags[0]).toBe('us-steel-tariffs'); // rarest tag first
    expect(first?.reasons.topTerms).toEqual(expect.arrayContaining(['steel', 'tariff']));
    expect(first?.reasons.sameLanguage).toBe(true);
  });

  it('links a Hindi and an English story on one event through a specific shared tag', () => {
    const index = build();
    const fromHindi = index.related('hi-flood-1', 3);
    expect(fromHindi[0]?.id).toBe('en-flood-1');
    expect(fromHindi[0]?.reasons).toMatchObject({ sharedTags: ['assam-floods', 'weather'], sameLanguage: false });
    expect(fromHindi[0]?.score).toBeGreaterThanOrEqual(DEFAULT_RELATED_THRESHOLD);
    expect(ids(index.related('en-flood-1', 3))[0]).toBe('hi-flood-1');
  });

  it('ranks a story sharing a rare tag above one sharing a common tag', () => {
    const index = new RelatedIndex({ halfLifeHours: 24, maxDocuments: 100 });
    index.upsert(article({ id: 'src', tags: ['india', 'chandrayaan-4'], headline: 'Lander module passes vacuum checks' }));
    index.upsert(article({ id: 'common', tags: ['india'], headline: 'Wheat procurement opens in Punjab' }));
    index.upsert(article({ id: 'rare', tags: ['chandrayaan-4'], headline: 'Orbiter camera calibrated in Bengaluru' }));
    for (let i = 0; i < 8; i++) {
      index.upsert(article({ id: `filler-${i}`, tags: ['india'], headline: `Filler${i} story${i} about topic${i}` }));
    }
    const hits = index.related('src', 5);
    expect(ids(hits)[0]).toBe('rare');
    const rare = hits.find((h) => h.id === 'rare');
    const common = hits.find((h) => h.id === 'common');
    expect(rare && common && rare.score > 2 * common.score).toBe(true);
  });

  it('prefers the same language mildly and the closer publication time', () => {
    const index = new RelatedIndex({ halfLifeHours: 12, maxDocuments: 100 });
    const base = { tags: ['kerala-landslide'] };
    index.upsert(article({ id: 'src', ...base, language: 'en', headline: 'Landslide hits Wayanad' }));
    index.upsert(article({ id: 'en-near', ...base, language: 'en', publishedAt: hoursAfter(1), headline: 'Quartz zebra' }));
    index.upsert(article({ id: 'en-far', ...base, language: 'en', publishedAt: hoursAfter(48), headline: 'Violet comet' }));
    index.upsert(article({ id: 'hi-near', ...base, language: 'hi', publishedAt: hoursAfter(1), headline: 'वायनाड' }));
    expect(ids(index.related('src', 5))).toEqual(['en-near', 'hi-near', 'en-far']);
  });

  it('returns nothing sharing no tag and no term, and scores only gathered candidates', () => {
    class CountingIndex extends RelatedIndex {
      lookups = 0;
      override getDoc(id: string): IndexedDoc | undefined {
        this.lookups++;
        return super.getDoc(id);
      }
    }
    const index = new CountingIndex({ halfLifeHours: 24, maxDocuments: 1000 });
    for (const s of stories) index.upsert(s);
    for (let i = 0; i < 300; i++) {
      index.upsert(article({ id: `noise-${i}`, tags: [`noise-tag-${i}`], headline: `Alpha${i} beta${i} gamma${i}` }));
    }
    index.upsert(article({ id: 'loner', tags: ['chess'], headline: 'Grandmaster wins blitz title' }));
    expect(index.related('loner', 10)).toEqual([]);
    expect(ids(index.related('en-steel-1', 50))).not.toContain('loner');

    index.lookups = 0;
    index.related('hi-pm-1', 10);
    expect(index.lookups).toBeLessThan(10); // 307 stories indexed, none scanned
  });

  it('returns [] for an unknown id', () => {
    expect(build().related('nope', 5)).toEqual([]);
  });
});

describe('retraction, removal, re-indexing', () => {
  it('a retracted story disappears from related and search', () => {
    const index = build();
    expect(ids(index.related('en-steel-1', 10))).toContain('en-steel-2');
    index.upsert({ ...(stories[1] as (typeof stories)[number]), status: 'retracted' });
    expect(index.has('en-steel-2')).toBe(false);
    expect(ids(index.related('en-steel-1', 10))).not.toContain('en-steel-2');
    expect(ids(index.search('almonds retaliatory', { limit: 10 }))).toEqual([]);
    expect(index.related('en-steel-2', 10)).toEqual([]);
  });

  it('remove() drops postings; an edited story is re-indexed under its new text', () => {
    const index = build();
    expect(index.remove('hi-flood-1')).toBe(true);
    expect(index.remove('hi-flood-1')).toBe(false);
    expect(ids(index.related('en-flood-1', 10))).not.toContain('hi-flood-1');
    index.upsert(article({ id: 'en-flood-1', headline: 'Cyclone nears Odisha coast', tags: ['weather'] }));
    expect(ids(index.search('Brahmaputra', { limit: 5 }))).toEqual([]);
    expect(ids(index.search('cyclone', { limit: 5 }))).toEqual(['en-flood-1']);
    expect(index.size).toBe(background.length + stories.length - 1);
  });

  it('clear() empties everything', () => {
    const index = build();
    index.clear();
    expect(index.size).toBe(0);
    expect(index.search('steel', { limit: 5 })).toEqual([]);
    expect(index.related('en-steel-1', 5)).toEqual([]);
  });
});

describe('bounded size', () => {
  it('evicts the oldest by publishedAt, keeping size <= maxDocuments', () => {
    const index = new RelatedIndex({ halfLifeHours: 24, maxDocuments: 3 });
    for (const h of [4, 1, 5, 2, 3]) {
      index.upsert(article({ id: `s${h}`, publishedAt: hoursAfter(h), tags: ['t'], headline: `Budget session day ${h}` }));
      expect(index.size).toBeLessThanOrEqual(3);
    }
    expect(['s1', 's2', 's3', 's4', 's5'].filter((id) => index.has(id))).toEqual(['s3', 's4', 's5']);
    expect(ids(index.search('budget', { limit: 10 })).sort()).toEqual(['s3', 's4', 's5']);
    // An archive story older than everything in a full index is dropped at once.
    index.upsert(article({ id: 'archive', publishedAt: hoursAfter(-100), headline: 'Budget 1991' }));
    expect(index.has('archive')).toBe(false);
    expect(index.size).toBe(3);
  });

  it('stays bounded under repeated updates of the same stories', () => {
    const index = new RelatedIndex({ halfLifeHours: 24, maxDocuments: 5 });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 8; i++) {
        index.upsert(article({ id: `s${i}`, publishedAt: hoursAfter(i + round), headline: `Round ${round} story ${i}` }));
      }
    }
    expect(index.size).toBe(5);
    expect([...Array(8).keys()].filter((i) => index.has(`s${i}`))).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('relatedAbove', () => {
  it('keeps strong matches only', () => {
    const index = build();
    const strong = index.relatedAbove('en-steel-2');
    expect(ids(strong)[0]).toBe('en-steel-1');
    expect(ids(strong)).not.toContain('hi-pm-1'); // shares only the common 'economy' tag
    for (const h of strong) expect(h.score).toBeGreaterThanOrEqual(DEFAULT_RELATED_THRESHOLD);
    // Across languages, two shared event tags clear the default threshold.
    expect(ids(index.relatedAbove('hi-flood-1'))).toEqual(['en-flood-1']);
    expect(index.relatedAbove('en-steel-2', 1.01)).toEqual([]);
  });

  it('only returns stories published within the window before now()', () => {
    const index = build(); // now = T0 + 6 h
    const loose = 0.2;
    // en-steel-1 is 6 h old, hi-steel-1 4 h old.
    expect(ids(index.relatedAbove('en-steel-2', loose, 10, 5))).toEqual(['hi-steel-1']);
    expect(ids(index.relatedAbove('en-steel-2', loose, 10, 7))).toEqual(['en-steel-1', 'hi-steel-1']);
    expect(index.relatedAbove('en-steel-2', loose, 10, 1)).toEqual([]);
  });
});
