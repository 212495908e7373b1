/**
 * A full store, in the page or on disk (docs/design.md §5, "Writes"): the browser's quota
 * (a DOMException named QuotaExceededError, from OPFS writes and IndexedDB transactions) or a full
 * disk (ENOSPC, EDQUOT). Such a write failed as a whole — what was stored before is still there — and
 * the work in memory is intact, so the run is paused, not lost, and the message says how to make room.
 */
export function isStorageFull(e: unknown): boolean {
  const err = e as { name?: string; code?: unknown } | null;
  return !!err && (err.name === 'QuotaExceededError' || err.name === 'StorageFullError' || err.code === 'ENOSPC' || err.code === 'EDQUOT');
}

/** Thrown by a store whose write did not fit; `message` says what was not saved and what is kept. */
export class StorageFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageFullError';
  }
}

/** What the page says when its storage is full, after `what was not saved`. */
export const MAKE_ROOM_IN_THE_BROWSER =
  "the browser's storage for this site is full (its quota): remove runs you no longer need (the run list's remove), or export them first; clearing the site's data frees it all";
