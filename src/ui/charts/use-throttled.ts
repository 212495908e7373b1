import { useEffect, useRef, useState } from 'react';

/**
 * `value`, but changing at most once per interval: the interval is `minMs`, or four times what the
 * last update took to render when that is longer, so a page of charts never spends more than about
 * a fifth of its time redrawing however fast a run streams. (useDeferredValue is not enough: when a
 * deferred render is slower than the stream's update rate it keeps being restarted and never lands.)
 */
export function useThrottled<T>(value: T, minMs = 250): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef({ at: 0, cost: 0, started: 0 });

  useEffect(() => {
    if (Object.is(value, shown) || timer.current !== null) return;
    const interval = Math.max(minMs, 4 * last.current.cost);
    const wait = Math.max(0, last.current.at + interval - performance.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current.started = performance.now();
      setShown(latest.current);
    }, wait);
  }, [value, shown, minMs]);

  useEffect(() => {
    const now = performance.now();
    if (last.current.started) last.current.cost = now - last.current.started;
    last.current.at = now;
  }, [shown]);

  useEffect(() => () => void (timer.current !== null && clearTimeout(timer.current)), []);
  return shown;
}
