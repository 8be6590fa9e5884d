// A QR code a phone camera scans: dark modules on white with the quiet zone the standard asks for.
import { useMemo } from 'preact/hooks';
import { qrPath } from './qr-path';

export function QrCode({ text, label, testid }: { text: string; label: string; testid?: string }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  const side = size + 8;
  return (
    <svg
      class="qr-code"
      data-testid={testid}
      data-text={text}
      role="img"
      aria-label={label}
      viewBox={`0 0 ${side} ${side}`}
      width="168"
      height="168"
      shape-rendering="crispEdges"
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
