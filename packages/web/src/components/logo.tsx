/** The Vigil shield, inline so it needs no request. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <path d="M16 2 4 7v8c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V7L16 2z" fill="#1c7ed6" />
      <circle cx="16" cy="15" r="5" fill="none" stroke="#fff" strokeWidth="2.5" />
      <circle cx="16" cy="15" r="1.8" fill="#fff" />
    </svg>
  );
}
