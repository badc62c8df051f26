import { Router } from 'express';
import { AppError } from '../shared/errors';

/** /healthz: the process is up. /readyz: the database answers too (load balancers route on this). */
export function healthRouter(ping: () => Promise<void>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await ping();
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'the database does not answer');
    }
    res.json({ status: 'ready' });
  });
  return router;
}
