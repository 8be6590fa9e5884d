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

const COLOURS = [
  '#6a50d3',
  '#ff9b42',
  '#df486f',
  '#73348c',
  '#b23683',
  '#f96e57',
  '#bbb06d',
  '#2b8a6e',
  '#3d7de2',
  '#a0522d',
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
