// Readable random room names ("brave-blue-otters") and room-name normalisation.
const ADJECTIVES = [
  'brave',
  'calm',
  'clever',
  'eager',
  'gentle',
  'happy',
  'jolly',
  'kind',
  'lively',
  'lucky',
  'merry',
  'nimble',
  'proud',
  'quiet',
  'quick',
  'bright',
  'witty',
  'bold',
  'cosy',
  'sunny',
  'swift',
  'wise',
  'zesty',
  'humble',
  'mighty',
  'polite',
  'silly',
  'steady',
  'tidy',
  'vivid',
];
const COLOURS = [
  'amber',
  'azure',
  'blue',
  'coral',
  'crimson',
  'cyan',
  'golden',
  'green',
  'indigo',
  'ivory',
  'jade',
  'lemon',
  'lilac',
  'magenta',
  'olive',
  'orange',
  'pink',
  'purple',
  'red',
  'ruby',
  'scarlet',
  'silver',
  'teal',
  'violet',
  'white',
  'yellow',
  'bronze',
  'copper',
  'mint',
  'plum',
];
const ANIMALS = [
  'otters',
  'badgers',
  'beavers',
  'bees',
  'cats',
  'cranes',
  'dolphins',
  'eagles',
  'falcons',
  'foxes',
  'geckos',
  'herons',
  'koalas',
  'lemurs',
  'lions',
  'llamas',
  'lynxes',
  'moles',
  'owls',
  'pandas',
  'parrots',
  'penguins',
  'puffins',
  'rabbits',
  'ravens',
  'seals',
  'swans',
  'tigers',
  'turtles',
  'wolves',
];

function pick<T>(list: readonly T[], random: number): T {
  return list[random % list.length];
}

export function generateRoomName(): string {
  const r = new Uint32Array(3);
  crypto.getRandomValues(r);
  return `${pick(ADJECTIVES, r[0])}-${pick(COLOURS, r[1])}-${pick(ANIMALS, r[2])}`;
}

/**
 * What the user typed -> a room name usable as a URL path segment and a MUC node:
 * trimmed, lower case, spaces to dashes, without characters that JIDs or URLs reserve.
 */
export function normalizeRoomName(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/["&'/:<>@?#%\\\u0000-\u001f]/g, '')
    .slice(0, 100);
}

/** The room from a pathname ("/brave-blue-otters" -> "brave-blue-otters"); '' for the home page. */
export function roomFromPath(pathname: string): string {
  const last = pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    /* keep the raw segment */
  }
  return normalizeRoomName(decoded);
}

export function roomPath(room: string): string {
  return `/${encodeURIComponent(room)}`;
}
