/**
 * PNG of a chart: serialize its SVG, load it as an image, draw it on a canvas at device resolution,
 * and hand back the canvas' PNG blob. Text is given an explicit font and the background is filled,
 * since the standalone SVG sees none of the page's CSS.
 */
export interface PngOptions {
  background?: string;
  /** Drawn above the plot, so the image says what it shows. */
  title?: string;
  scale?: number;
}

export async function svgToPngBlob(svg: SVGSVGElement, opts: PngOptions = {}): Promise<Blob> {
  const scale = opts.scale ?? Math.max(2, globalThis.devicePixelRatio || 1);
  const { width, height } = svg.getBoundingClientRect();
  const titleH = opts.title ? 28 : 0;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = 'text { font-family: system-ui, sans-serif; font-size: 12px; fill: #333; }';
  clone.insertBefore(style, clone.firstChild);
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart’s SVG could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil((height + titleH) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for PNG export');
    ctx.scale(scale, scale);
    ctx.fillStyle = opts.background ?? '#ffffff';
    ctx.fillRect(0, 0, width, height + titleH);
    if (opts.title) {
      ctx.fillStyle = '#222';
      ctx.font = '600 14px system-ui, sans-serif';
      ctx.fillText(opts.title, 12, 19);
    }
    ctx.drawImage(img, 0, titleH, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob gave nothing'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers a blob as a download. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileSafe(s: string): string {
  return (
    s
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 80) || 'chart'
  );
}
