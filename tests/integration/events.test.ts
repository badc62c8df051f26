/**
 * GET /api/events: the durable log in seq order, dense, filtered by tags (before OR after a change) and articles,
 * with `head` — served from the recent-events window, and past a 3-event window from the database.
 */
import { NewsEventSchema } from '../../src/contract/events';
import type { TestServer } from '../helpers/server';
import { EDITOR, WINDOWS, publish, start } from './support';

describe.each(WINDOWS)('the event log over HTTP (%s)', (label, overrides) => {
  let server: TestServer & { stop(): Promise<void> };
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  const events = async (query: string) => {
    const res = await server.request('GET', `/api/events?${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: any[]; head: number };
  };
  const seqs = async (query: string) => (await events(query)).items.map((e) => e.seq);
  const revise = async (id: string, version: number, body: unknown) => {
    const res = await server.request('PATCH', `/api/articles/${id}`, { token: EDITOR, headers: { 'if-match': `"${version}"` }, body });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    server = await start(`events_${label.slice(0, 1)}`, overrides);
    ids.a = (await publish(server, { tags: ['India-US Trade', 'Economy'] })).id; // seq 1
    ids.b = (await publish(server, { tags: ['Sports'] })).id; // seq 2
    ids.c = (await publish(server, { tags: ['Economy'], language: 'hi' })).id; // seq 3
    await revise(ids.a, 1, { changes: { headline: 'Talks resume' }, note: 'shorter' }); // seq 4
    await revise(ids.b, 1, { changes: { body: 'A corrected body.' }, note: 'fix', kind: 'correction' }); // seq 5
    const retracted = await server.request('POST', `/api/articles/${ids.c}/retract`, { token: EDITOR, body: { reason: 'wrong' } });
    expect(retracted.status).toBe(200); // seq 6
    await revise(ids.a, 2, { changes: { tags: ['India-US Trade', 'Markets'] }, note: 'retagged' }); // seq 7: leaves economy
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('returns the whole log in seq order, dense from 1, with head = the last seq, as stored but for retracted text', async () => {
    const { items, head } = await events('');
    expect(items.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(head).toBe(7);
    expect(head).toBe(items[items.length - 1].seq);
    expect(await server.app.store.headSeq()).toBe(7);
    expect(items.map((e) => [e.articleId, e.version, e.type])).toEqual([
      [ids.a, 1, 'article.published'],
      [ids.b, 1, 'article.published'],
      [ids.c, 1, 'article.published'],
      [ids.a, 2, 'article.updated'],
      [ids.b, 2, 'article.corrected'],
      [ids.c, 2, 'article.retracted'],
      [ids.a, 3, 'article.updated'],
    ]);
    for (const e of items) {
      expect(NewsEventSchema.safeParse(e).error).toBeUndefined();
      expect([e.article.id, e.article.version, e.revision.version]).toEqual([e.articleId, e.version, e.version]);
    }
    expect(items[6].tags).toEqual(['india-us-trade', 'economy', 'markets']);
    // As stored, except that the text of the since-retracted article c is withdrawn from its earlier event.
    const stored = await server.app.store.eventsAfter(0, 1_000);
    expect(items.filter((e) => e.articleId !== ids.c)).toEqual(stored.filter((e) => e.articleId !== ids.c));
    const publishedC = items.find((e) => e.articleId === ids.c && e.version === 1)!;
    const storedC = stored.find((e) => e.articleId === ids.c && e.version === 1)!;
    expect(storedC.article.body).not.toBe('');
    expect(publishedC.article).toEqual({ ...storedC.article, body: '', summary: '' });
    expect(JSON.stringify(publishedC.revision)).not.toContain(storedC.article.body);
  });

  it('after= and limit= select a window of the log; after the head it is empty', async () => {
    expect(await seqs('after=3&limit=2')).toEqual([4, 5]);
    expect(await seqs('after=5')).toEqual([6, 7]);
    expect(await seqs('limit=1')).toEqual([1]);
    expect(await events('after=7')).toEqual({ items: [], head: 7 });
    expect(await events('after=100')).toEqual({ items: [], head: 7 });
  });

  it('tags= matches events whose article had the tag before OR after the change (normalized like tags)', async () => {
    expect(await seqs('tags=economy')).toEqual([1, 3, 4, 6, 7]);
    expect(await seqs('tags=Markets')).toEqual([7]);
    expect(await seqs(`tags=${encodeURIComponent('India-US Trade')}`)).toEqual([1, 4, 7]);
    expect(await seqs('tags=markets,sports')).toEqual([2, 5, 7]);
    expect(await seqs('tags=economy&after=3&limit=2')).toEqual([4, 6]);
    expect(await seqs('tags=nothing-here')).toEqual([]);
    const { items } = await events('tags=economy');
    for (const e of items) expect(e.tags).toContain('economy');
  });

  it('articles= selects articles; with tags= the filter is their union', async () => {
    expect(await seqs(`articles=${ids.b}`)).toEqual([2, 5]);
    expect(await seqs(`articles=${ids.a},${ids.c}`)).toEqual([1, 3, 4, 6, 7]);
    expect(await seqs(`tags=sports&articles=${ids.c}`)).toEqual([2, 3, 5, 6]);
    expect(await seqs(`articles=${ids.a}&after=1&limit=1`)).toEqual([4]);
    expect((await events(`articles=${ids.b}`)).head).toBe(7);
  });
});
