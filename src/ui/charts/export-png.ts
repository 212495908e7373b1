/**
 * PNG of a chart: serialize its SVG, load it as an image, draw it on a canvas at device resolution,
 * and hand back the canvas' PNG blob. Text is given an explicit font and the background is filled,
 * since the standalone SVG sees none of the page's CSS. The title goes above and the legend below,
 * so the image alone says what each line is.
 */
export interface LegendEntry {
  label: string;
  stroke: string;
  dash?: string;
}

export interface PngOptions {
  background?: string;
  /** Drawn above the plot, so the image says what it shows. */
  title?: string;
  /** Drawn below the plot: a line sample and a label per series, wrapped to the plot's width. */
  legend?: readonly LegendEntry[];
  scale?: number;
}

const LEGEND_ROW = 18;
const LEGEND_FONT = '12px system-ui, sans-serif';

/** Where each legend entry goes in rows of at most `width` px; `measure` gives a label's width. */
export function legendLayout(
  legend: readonly LegendEntry[],
  width: number,
  measure: (text: string) => number,
): { x: number; row: number; entry: LegendEntry }[] {
  const out: { x: number; row: number; entry: LegendEntry }[] = [];
  let x = 12;
  let row = 0;
  for (const entry of legend) {
    const w = 26 + measure(entry.label) + 16;
    if (x > 12 && x + w > width) {
      x = 12;
      row++;
    }
    out.push({ x, row, entry });
    x += w;
  }
  return out;
}

export async function svgToPngBlob(svg: SVGSVGElement, opts: PngOptions = {}): Promise<Blob> {
  const scale = opts.scale ?? Math.max(2, globalThis.devicePixelRatio || 1);
  const { width, height } = svg.getBoundingClientRect();
  const titleH = opts.title ? 28 : 0;
  const measureCtx = document.createElement('canvas').getContext('2d');
  if (measureCtx) measureCtx.font = LEGEND_FONT;
  const placed = legendLayout(opts.legend ?? [], width, (t) => measureCtx?.measureText(t).width ?? t.length * 7);
  const legendH = placed.length ? (placed[placed.length - 1].row + 1) * LEGEND_ROW + 8 : 0;
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
    canvas.height = Math.ceil((height + titleH + legendH) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for PNG export');
    ctx.scale(scale, scale);
    ctx.fillStyle = opts.background ?? '#ffffff';
    ctx.fillRect(0, 0, width, height + titleH + legendH);
    if (opts.title) {
      ctx.fillStyle = '#222';
      ctx.font = '600 14px system-ui, sans-serif';
      ctx.fillText(opts.title, 12, 19);
    }
    ctx.drawImage(img, 0, titleH, width, height);
    ctx.font = LEGEND_FONT;
    ctx.textBaseline = 'middle';
    for (const { x, row, entry } of placed) {
      const y = titleH + height + 4 + row * LEGEND_ROW + LEGEND_ROW / 2;
      ctx.strokeStyle = entry.stroke;
      ctx.lineWidth = 2;
      ctx.setLineDash(entry.dash ? entry.dash.split(/\s+/).map(Number) : []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 22, y);
      ctx.stroke();
      ctx.fillStyle = '#222';
      ctx.fillText(entry.label, x + 26, y);
    }
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
