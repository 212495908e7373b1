import { useEffect, useRef, useState } from 'react';

/**
 * Whether an element is on screen (or within `margin` of it). A chart that is scrolled away keeps its
 * last picture and skips the work of following a live run; it catches up when it comes back.
 */
export function useVisible<T extends Element>(margin = '200px') {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(([entry]) => setVisible(entry.isIntersecting), { rootMargin: margin });
    io.observe(el);
    return () => io.disconnect();
  }, [margin]);
  return [ref, visible] as const;
}
