/** Shared steps of the HTTP integration suites: real server, real fetch, real FerretDB. */
import mongoose from 'mongoose';
import type { AppConfig } from '../../src/app';
import { sampleArticle, startTestServer, tokenFor, type TestResponse, type TestServer } from '../helpers/server';

export const EDITOR = tokenFor('editor', 'editor-1');

/** Server configurations the list and event suites run under: reads from memory, and reads past tiny windows. */
export const WINDOWS: Array<[string, Partial<AppConfig>]> = [
  ['read models hold everything', {}],
  ['3-item windows, older reads from the database', { recentStories: 3, recentEvents: 3 }],
];

/** Starts a server on a fresh database; `stop` closes it and drops the database. */
export async function start(label: string, overrides: Partial<AppConfig> = {}): Promise<TestServer & { stop(): Promise<void> }> {
  const server = await startTestServer(label, overrides);
  return {
    ...server,
    async stop() {
      await server.close();
      const conn = await mongoose.createConnection(server.config.mongodbUri).asPromise();
      try {
        await conn.dropDatabase();
      } finally {
        await conn.close();
      }
    },
  };
}

/** Asserts an error answer: status, catalog code, a message, no 5xx and nothing that looks like a stack trace. */
export function expectError(res: TestResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe('string');
  expect(JSON.stringify(res.body)).not.toMatch(/\n\s*at |\bat \S+ \(|\.(?:ts|js):\d+|node_modules/);
}

/** Publishes `sampleArticle(overrides)` and returns the created article (asserting 201). */
export async function publish(server: TestServer, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await server.request('POST', '/api/articles', { token: EDITOR, body: sampleArticle(overrides) });
  expect(res.status).toBe(201);
  return res.body.article;
}

/** Newest first: publishedAt, then id, both descending — the order every list promises. */
export function newestFirst<T extends { publishedAt: string; id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) =>
    a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : -1) : a.publishedAt < b.publishedAt ? 1 : -1,
  );
}

/** Follows nextCursor from the first page to the last; returns each page's ids. */
export async function allPages(server: TestServer, query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '';
    const res: TestResponse = await server.request(
      'GET',
      `/api/articles?${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    pages.push(res.body.items.map((a: { id: string }) => a.id));
    cursor = res.body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== null);
  return pages;
}
