import { connectDateline, type DatelineClient, type NewsEvent } from '../../sdk';
import { sampleArticle, startTestServer, tokenFor, type TestServer } from '../helpers/server';

const editor = tokenFor('editor');

function collect(client: DatelineClient): NewsEvent[] {
  const got: NewsEvent[] = [];
  client.on('news', (e) => got.push(e));
  return got;
}

async function subscribed(client: DatelineClient): Promise<void> {
  await new Promise<void>((resolve) => client.on('subscribed', () => resolve()));
}

describe('live delivery by tag and article room', () => {
  let server: TestServer;
  const clients: DatelineClient[] = [];
  beforeAll(async () => {
    server = await startTestServer('live');
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await server.close();
  });
  const follow = async (tags: string[], articles: string[] = []) => {
    const client = connectDateline({ url: server.url, tags, articles });
    clients.push(client);
    await subscribed(client);
    return client;
  };

  it('pushes a publish to its tag room once, nothing to other tags, and updates to the article room', async () => {
    const trade = await follow(['India-US Trade']);
    const both = await follow(['india-us-trade', 'washington']);
    const other = await follow(['cricket']);
    const [tradeGot, bothGot, otherGot] = [collect(trade), collect(both), collect(other)];

    const published = await server.request('POST', '/api/articles', { token: editor, body: sampleArticle() });
    expect(published.status).toBe(201);
    const id: string = published.body.article.id;
    const reader = await follow([], [id]);
    const readerGot = collect(reader);

    const revised = await server.request('PATCH', `/api/articles/${id}`, {
      token: editor,
      headers: { 'if-match': '"1"' },
      body: { changes: { body: 'Talks resumed on Tuesday and ended late.' }, note: 'Update: talks ended' },
    });
    expect(revised.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));

    expect(tradeGot.map((e) => [e.type, e.version])).toEqual([['article.published', 1], ['article.updated', 2]]);
    expect(bothGot.map((e) => e.seq)).toEqual(tradeGot.map((e) => e.seq)); // two rooms, one copy each
    expect(otherGot).toEqual([]);
    expect(readerGot).toHaveLength(1);
    expect(readerGot[0]!.revision.note).toBe('Update: talks ended');
    expect(readerGot[0]!.revision.changes[0]!.field).toBe('body');
  });
});
