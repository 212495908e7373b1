/**
 * One run, one tab: a Web Lock named after the run, held until the returned release is called.
 *
 * A reload does not free the lock at once: the old page's worker lets go only when the browser has
 * torn it down, which can come after the reloaded page has loaded its model and asks to resume (the
 * reload-and-resume browser test hit it every time). So the claim waits a while for the lock before
 * it concludes that another tab really holds it; null then.
 */
export const CLAIM_WAIT_MS = 15_000;

export function claimAcrossTabs(name: string, waitMs = CLAIM_WAIT_MS): Promise<(() => void) | null> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((resolve) => {
    const gaveUp = new AbortController();
    const timer = setTimeout(() => gaveUp.abort(), waitMs);
    navigator.locks
      .request(name, { signal: gaveUp.signal }, (lock) => {
        clearTimeout(timer);
        if (!lock) return resolve(null);
        return new Promise<void>((release) => resolve(() => release()));
      })
      // Aborted: the wait ran out with the lock still held elsewhere.
      .catch(() => resolve(null));
  });
}
