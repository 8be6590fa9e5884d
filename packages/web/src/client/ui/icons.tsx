// Inline SVG icons (no icon fonts, no external files). 24x24, currentColor.
import type { JSX } from 'preact';

type IconProps = { size?: number; class?: string };

function svg(paths: JSX.Element, { size = 24, class: cls }: IconProps) {
  return (
    <svg
      class={cls ? `icon ${cls}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      {paths}
    </svg>
  );
}

const s = {
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 2,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
} as const;

export const MicIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="9" y="2" width="6" height="12" rx="3" />
      <path d="M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8" />
    </g>,
    p,
  );
export const MicOffIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M15 9.3V5a3 3 0 0 0-5.7-1.3M9 9v2a3 3 0 0 0 5.1 2.1M19 10v1a7 7 0 0 1-1.1 3.8M5 10v1a7 7 0 0 0 11.4 5.4M12 18v4M8 22h8M3 3l18 18" />
    </g>,
    p,
  );
export const CamIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="2" y="6" width="14" height="12" rx="2" />
      <path d="M16 10l6-4v12l-6-4z" />
    </g>,
    p,
  );
export const CamOffIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M16 16v1a1 1 0 0 1-1 1H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2M10 6h4a2 2 0 0 1 2 2v3.3l6-4.3v10M3 3l18 18" />
    </g>,
    p,
  );
export const ScreenIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="2" y="3" width="20" height="14" rx="2" />
      <path d="M8 21h8M12 17v4M9 10l3-3 3 3M12 7v6" />
    </g>,
    p,
  );
export const ChatIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 21l1.9-5.4A8 8 0 1 1 21 12z" />
    </g>,
    p,
  );
export const PeopleIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <circle cx="9" cy="8" r="4" />
      <path d="M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 4a4 4 0 0 1 0 8M22 21v-1a6 6 0 0 0-4-5.7" />
    </g>,
    p,
  );
export const HandIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M18 11V6a2 2 0 0 0-4 0v5M14 10V4a2 2 0 0 0-4 0v6M10 10.5V6a2 2 0 0 0-4 0v8" />
      <path d="M18 8a2 2 0 0 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.9-6-2.4l-3.6-3.6a2 2 0 0 1 2.8-2.8L6 15" />
    </g>,
    p,
  );
export const GridIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="3" y="3" width="7" height="7" rx="1" />
      <rect x="14" y="3" width="7" height="7" rx="1" />
      <rect x="3" y="14" width="7" height="7" rx="1" />
      <rect x="14" y="14" width="7" height="7" rx="1" />
    </g>,
    p,
  );
export const StageIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="2" y="3" width="14" height="18" rx="2" />
      <rect x="18" y="3" width="4" height="5" rx="1" />
      <rect x="18" y="10" width="4" height="5" rx="1" />
    </g>,
    p,
  );
export const LinkIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" />
      <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
    </g>,
    p,
  );
export const HangupIcon = (p: IconProps) =>
  svg(
    <path
      fill="currentColor"
      d="M12 9c-2.6 0-5 .5-7.3 1.5-.9.4-1.5 1.3-1.5 2.3v2.5c0 .8.8 1.4 1.6 1.2l3.6-.9c.6-.2 1-.7 1-1.3v-2c1.7-.5 3.5-.5 5.2 0v2c0 .6.4 1.1 1 1.3l3.6.9c.8.2 1.6-.4 1.6-1.2v-2.5c0-1-.6-1.9-1.5-2.3C17 9.5 14.6 9 12 9z"
    />,
    p,
  );
export const CloseIcon = (p: IconProps) => svg(<path {...s} d="M6 6l12 12M18 6L6 18" />, p);
export const SendIcon = (p: IconProps) => svg(<path {...s} d="M22 2L11 13M22 2l-7 20-4-9-9-4z" />, p);
export const LockIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <rect x="4" y="11" width="16" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </g>,
    p,
  );
export const WarningIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <path d="M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" />
      <path d="M12 9v4M12 17h.01" />
    </g>,
    p,
  );
export const StarIcon = (p: IconProps) =>
  svg(<path fill="currentColor" d="M12 2l2.9 6.3 6.9.7-5.2 4.6 1.5 6.8L12 17l-6.1 3.4 1.5-6.8L2.2 9l6.9-.7z" />, p);
export const GearIcon = (p: IconProps) =>
  svg(
    <g {...s}>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </g>,
    p,
  );
export const MoreIcon = (p: IconProps) =>
  svg(
    <g fill="currentColor">
      <circle cx="5" cy="12" r="2" />
      <circle cx="12" cy="12" r="2" />
      <circle cx="19" cy="12" r="2" />
    </g>,
    p,
  );
