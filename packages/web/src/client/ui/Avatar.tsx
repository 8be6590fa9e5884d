// Initials on a colour derived from the participant id (stable across renders and clients).
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]);
  // CJK names: the first character reads naturally; Latin names: first letters of two words.
  if (words.length === 1)
    return (/[\u3400-\u9fff]/.test(first[0]) ? first[0] : first.slice(0, 2).join('')).toUpperCase();
  return (first[0] + Array.from(words[words.length - 1])[0]).toUpperCase();
}

// Each reaches at least 4.5:1 against the white initials (WCAG AA for text of any size).
const COLOURS = [
  '#5b45b8',
  '#b35a12',
  '#b3264f',
  '#73348c',
  '#9c2c72',
  '#c0392b',
  '#6b6424',
  '#1f7a5e',
  '#2f64c0',
  '#8b4522',
];

export function avatarColour(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export function Avatar({ id, name, testid }: { id: string; name: string; testid?: string }) {
  return (
    <div class="avatar" data-testid={testid} style={{ background: avatarColour(id) }} aria-hidden="true">
      {initials(name)}
    </div>
  );
}
