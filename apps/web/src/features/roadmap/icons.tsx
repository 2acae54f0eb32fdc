/** Small line icons for the roadmap's buttons; always decorative (the button carries the name). */
type IconName = 'grip' | 'chevron' | 'up' | 'down' | 'remove' | 'check' | 'archive' | 'restore' | 'plus' | 'alert';

const PATHS: Record<IconName, string> = {
  grip: 'M9 5.5h.01M15 5.5h.01M9 12h.01M15 12h.01M9 18.5h.01M15 18.5h.01',
  chevron: 'M6 9l6 6 6-6',
  up: 'M12 19V5M5.5 11.5L12 5l6.5 6.5',
  down: 'M12 5v14M5.5 12.5L12 19l6.5-6.5',
  remove: 'M6 6l12 12M18 6L6 18',
  check: 'M5 12.5l4.5 4.5L19 7',
  archive: 'M4 7h16M5.5 7v11.5h13V7M10 11h4M3.5 4h17v3h-17z',
  restore: 'M4 12a8 8 0 1 0 2.4-5.7M4 4.5v4h4',
  plus: 'M12 5v14M5 12h14',
  alert: 'M12 3.5l9.5 16.5h-19zM12 10v4.5M12 17.5h.01',
};

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      className={`rm-icon rm-icon--${name}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === 'grip' ? 3.2 : 2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
