// A QR code as one SVG path (a unit square per dark module), drawn from qrcode's module matrix.
// Pure, so the browser test can draw the expected path for the same text in Node and compare.
import { create } from 'qrcode';

export interface QrDrawing {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** SVG path data, in module units, offset by the 4-module quiet zone. */
  d: string;
}

export function qrPath(text: string): QrDrawing {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const parts: string[] = [];
  for (let y = 0; y < modules.size; y++)
    for (let x = 0; x < modules.size; x++) if (modules.get(y, x)) parts.push(`M${x + 4} ${y + 4}h1v1h-1z`);
  return { size: modules.size, d: parts.join('') };
}
