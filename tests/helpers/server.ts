import type { AddressInfo } from 'node:net';
import { createApp, type App, type AppConfig } from '../../src/app';
import { signToken, type Role } from '../../src/auth/tokens';
import { testDatabaseUri } from './test-db';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export function tokenFor(role: Role, sub = `${role}-1`, expiresInSeconds = 3600): string {
  return signToken({ sub, role }, TEST_JWT_SECRET, expiresInSeconds);
}

export interface TestServer {
  app: App;
  url: string;
  config: AppConfig;
  /** fetch against the server with JSON in and out; `token` adds a bearer header. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions inspect any shape
}

/** A real server on port 0 over a fresh database on the test MongoDB-wire server. */
export async function startTestServer(label: string, overrides: Partial<AppConfig> = {}): Promise<TestServer> {
  const config: AppConfig = {
    mongodbUri: testDatabaseUri(label),
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    articleCacheSize: 1_000,
    recentStories: 500,
    recentEvents: 1_000,
    writesPerMinute: 100_000,
    eventRetention: 0,
    related: { halfLifeHours: 72, maxDocuments: 5_000, announceThreshold: 0.25, announceWithinHours: 72 },
    realtime: { maxSocketBufferBytes: 1024 * 1024, maxReplayBuffer: 10_000, eventBurst: 50, eventsPerSecond: 20 },
    ...overrides,
  };
  const app = await createApp(config);
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
  return {
    app,
    url,
    config,
    request: (method, path, options = {}) => request(url, method, path, options),
    close: () => app.close(),
  };
}

export async function request(url: string, method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the raw text: a non-JSON answer is itself something a test may assert on
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A valid publish body; override any field. */
export function sampleArticle(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    headline: 'Trade talks resume in Washington',
    summary: 'Negotiators meet again after a pause.',
    body: 'WASHINGTON — Negotiators from both sides met on Tuesday to resume talks on tariffs.',
    tags: ['India-US Trade', 'Washington'],
    language: 'en',
    dateline: 'Washington',
    authors: ['Staff Reporter'],
    ...overrides,
  };
}
