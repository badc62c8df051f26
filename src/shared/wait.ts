/**
 * Waits for `promise`, but at most `ms`; never rejects. For waits that improve an answer (read-your-writes)
 * without being needed for its correctness: the caller goes on either way.
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
