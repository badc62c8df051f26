/**
 * Keyset pages of GET /api/articles: each article exactly once, newest first, a cursor that stays stable while
 * news is published, and the tag and language filters — served from the read models, and past 3-item windows
 * from the database.
 */
import type { TestServer } from '../helpers/server';
import { WINDOWS, allPages, newestFirst, publish, start } from './support';

interface Published {
  id: string;
  publishedAt: string;
  tags: string[];
  language: string;
}

describe.each(WINDOWS)('article pages (%s)', (label, overrides) => {
  let server: TestServer & { stop(): Promise<void> };
  const original: Published[] = [];
  const late: Published[] = [];

  beforeAll(async () => {
    server = await start(`paging_${label.slice(0, 1)}`, overrides);
    for (let i = 0; i < 25; i++) {
      // sequential on purpose: publication order is the expected list order
      original.push(
        await publish(server, {
          headline: `Story ${i}`,
          tags: i % 2 === 1 ? ['Paging', 'Odd Ones'] : ['Paging'],
          language: i % 5 === 0 ? 'hi' : 'en',
        }),
      );
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  const ids = (items: readonly Published[]) => items.map((a) => a.id);

  it('pages of 10 → 10, 10, 5: every article once, newest first, nextCursor null at the end', async () => {
    const pages = await allPages(server, 'limit=10');
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual(ids(newestFirst(original)));

    const first = await server.request('GET', '/api/articles?limit=10');
    const publishedAts: string[] = first.body.items.map((a: Published) => a.publishedAt);
    expect([...publishedAts].sort().reverse()).toEqual(publishedAts);
    expect(typeof first.body.nextCursor).toBe('string');
    const everything = await server.request('GET', '/api/articles?limit=100');
    expect(everything.body.items).toHaveLength(25);
    expect(everything.body.nextCursor).toBeNull();
  });

  it('a cursor is stable: 3 articles published between page 1 and page 2 do not shift the pages', async () => {
    const page1 = await server.request('GET', '/api/articles?limit=10');
    for (let i = 0; i < 3; i++) late.push(await publish(server, { headline: `Late story ${i}`, tags: ['Late'] }));
    const page2 = await server.request('GET', `/api/articles?limit=10&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    const page3 = await server.request('GET', `/api/articles?limit=10&cursor=${encodeURIComponent(page2.body.nextCursor)}`);
    expect([page1, page2, page3].map((p) => p.body.items.length)).toEqual([10, 10, 5]);
    expect(page3.body.nextCursor).toBeNull();
    const seen = [page1, page2, page3].flatMap((p) => p.body.items.map((a: Published) => a.id));
    expect(seen).toEqual(ids(newestFirst(original)));

    // a fresh first page starts with the late ones
    const fresh = await allPages(server, 'limit=10');
    expect(fresh.map((p) => p.length)).toEqual([10, 10, 8]);
    expect(fresh.flat()).toEqual(ids(newestFirst([...original, ...late])));
  });

  it('?tag= pages through exactly the articles of that tag (the filter is normalized like tags)', async () => {
    const odd = newestFirst(original.filter((a) => a.tags.includes('odd-ones')));
    expect(odd).toHaveLength(12);
    const pages = await allPages(server, `tag=${encodeURIComponent('Odd Ones')}&limit=5`);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(ids(odd));
    expect((await allPages(server, 'tag=late&limit=2')).flat()).toEqual(ids(newestFirst(late)));
    expect((await allPages(server, 'tag=no-such-tag')).flat()).toEqual([]);
  });

  it('?language= and ?language=&tag= page through exactly the matching articles', async () => {
    const all = [...original, ...late];
    const hindi = newestFirst(all.filter((a) => a.language === 'hi'));
    expect(hindi).toHaveLength(5);
    expect((await allPages(server, 'language=hi&limit=2')).flat()).toEqual(ids(hindi));
    const english = newestFirst(all.filter((a) => a.language === 'en'));
    expect((await allPages(server, 'language=en&limit=7')).flat()).toEqual(ids(english));
    const hindiOdd = newestFirst(all.filter((a) => a.language === 'hi' && a.tags.includes('odd-ones')));
    expect(hindiOdd).toHaveLength(2);
    expect((await allPages(server, 'language=hi&tag=odd-ones&limit=1')).flat()).toEqual(ids(hindiOdd));
  });
});
