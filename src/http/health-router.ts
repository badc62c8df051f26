import { Router } from 'express';
import { AppError } from '../shared/errors';

const READY_TIMEOUT_MS = 2_000;

/** /healthz: the process is up. /readyz: the database answers too (load balancers route on this). */
export function healthRouter(ping: () => Promise<void>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
      });
      await Promise.race([ping(), timeout]).finally(() => clearTimeout(timer));
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'the database does not answer');
    }
    res.json({ status: 'ready' });
  });
  return router;
}
