// Simple flat illustrations for the product cards (inline SVG, no image files to ship).
const shapes = {
  cup: (c) => `<path d="M60 70h70v38a30 30 0 0 1-30 30h-10a30 30 0 0 1-30-30z" fill="#fff"/><path d="M130 80h10a14 14 0 0 1 0 28h-12" fill="none" stroke="#fff" stroke-width="7"/><ellipse cx="95" cy="72" rx="30" ry="6" fill="${c}"/><path d="M82 40c-6 8 6 12 0 22M100 36c-6 8 6 12 0 22" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" opacity=".7"/><rect x="48" y="140" width="100" height="8" rx="4" fill="#fff" opacity=".8"/>`,
  latte: (c) => `<path d="M62 60h76l-8 80h-60z" fill="#fff"/><ellipse cx="100" cy="62" rx="38" ry="8" fill="${c}"/><path d="M92 60c4-6 12-6 16 0-4 4-12 4-16 0z" fill="#fff" opacity=".85"/><rect x="70" y="92" width="60" height="18" fill="${c}" opacity=".35"/>`,
  cold: (c) => `<path d="M66 50h68l-10 96H76z" fill="#fff" opacity=".9"/><path d="M70 70h60l-8 72H78z" fill="${c}"/><rect x="84" y="78" width="14" height="14" rx="3" fill="#fff" opacity=".6"/><rect x="104" y="96" width="14" height="14" rx="3" fill="#fff" opacity=".6"/><path d="M112 50l14-30" stroke="#fff" stroke-width="6" stroke-linecap="round"/>`,
  croissant: () => `<path d="M40 112c10-40 110-40 120 0-14 10-30 4-36-6-6 14-42 14-48 0-6 10-22 16-36 6z" fill="#fff"/><path d="M76 86l8 26M100 80v30M124 86l-8 26" stroke="#f4d8a8" stroke-width="5" stroke-linecap="round"/>`,
  cookie: (c) => `<ellipse cx="100" cy="112" rx="52" ry="14" fill="#fff"/><rect x="48" y="92" width="104" height="20" fill="#f6e4c6"/><ellipse cx="100" cy="92" rx="52" ry="14" fill="#fff"/><circle cx="84" cy="90" r="2.5" fill="${c}"/><circle cx="108" cy="94" r="2.5" fill="${c}"/><circle cx="118" cy="86" r="2.5" fill="${c}"/>`,
  cake: (c) => `<path d="M50 120l100-50v50z" fill="#fff"/><path d="M50 120l100-50v14L50 134z" fill="#f7dca8"/><path d="M50 134h100v-14H50z" fill="#fff" opacity=".9"/><circle cx="128" cy="76" r="7" fill="${c}"/>`,
  empanada: () => `<path d="M44 122a56 50 0 0 1 112 0z" fill="#fff"/><path d="M44 122h112" stroke="#f1cf97" stroke-width="10" stroke-linecap="round" stroke-dasharray="2 12"/>`,
  bites: () => `<rect x="52" y="86" width="34" height="34" rx="8" fill="#fff" transform="rotate(-12 69 103)"/><rect x="92" y="78" width="34" height="34" rx="8" fill="#fff" transform="rotate(10 109 95)"/><rect x="112" y="104" width="34" height="34" rx="8" fill="#fff" transform="rotate(-4 129 121)"/>`,
  bag: (c) => `<path d="M66 48h68l8 96H58z" fill="#fff"/><path d="M66 48l8 14h52l8-14" fill="#e9e2d6"/><circle cx="100" cy="100" r="16" fill="${c}"/><path d="M92 100c5-8 11-8 16 0" stroke="#fff" stroke-width="3" fill="none"/>`,
  sneaker: () => `<path d="M36 126c0-22 10-44 30-46l26 14c16 8 40 10 60 14 12 2 14 12 14 18z" fill="#fff"/><path d="M36 126h130v10H36z" fill="#d6d1c8"/><path d="M74 88l8 10M84 84l8 10M94 90l6 8" stroke="#bbb" stroke-width="3"/>`,
  boot: () => `<path d="M62 40h40v64c20 4 46 10 56 22v12H58z" fill="#fff" opacity=".95"/><path d="M58 130h100v10H58z" fill="#2a2020" opacity=".5"/><rect x="62" y="60" width="40" height="26" fill="#000" opacity=".12"/>`,
  loafer: () => `<path d="M34 126c4-24 36-30 62-28 24 2 52 10 66 20 4 4 4 8 0 10z" fill="#fff"/><path d="M84 104h36" stroke="#2f2b2a" stroke-width="6" stroke-linecap="round"/><path d="M34 126h132v8H34z" fill="#000" opacity=".35"/>`,
  coat: () => `<path d="M76 34h48l24 18 10 96h-32l-2-60-4 60H80l-4-60-2 60H42l10-96z" fill="#fff" opacity=".95"/><path d="M100 40v104" stroke="#000" stroke-opacity=".15" stroke-width="3"/><circle cx="92" cy="80" r="3" fill="#000" opacity=".3"/><circle cx="92" cy="100" r="3" fill="#000" opacity=".3"/>`,
  puffer: () => `<path d="M70 38h60l22 22-4 82h-96l-4-82z" fill="#fff" opacity=".95"/><path d="M52 70h96M52 94h96M52 118h96" stroke="#000" stroke-opacity=".15" stroke-width="3"/><path d="M100 40v102" stroke="#000" stroke-opacity=".2" stroke-width="3"/>`,
  socks: (c) => `<path d="M70 36h26v70l-20 24c-8 10-28 0-20-12l14-18z" fill="#fff"/><path d="M108 36h26v70l-20 24c-8 10-28 0-20-12l14-18z" fill="#fff" opacity=".8"/><path d="M70 50h26M108 50h26" stroke="${c}" stroke-width="6"/>`,
  giftcard: () => `<rect x="40" y="60" width="120" height="76" rx="10" fill="#d9b46a"/><path d="M40 86h120" stroke="#fff" stroke-width="8"/><path d="M92 60v76" stroke="#fff" stroke-width="8"/><text x="150" y="128" text-anchor="end" font-family="sans-serif" font-weight="700" font-size="20" fill="#1f1f1f">$100</text>`,
};

export function art(kind, color) {
  const draw = shapes[kind] ?? shapes.cup;
  return `<svg viewBox="0 0 200 170" preserveAspectRatio="xMidYMid slice" role="img" aria-hidden="true" focusable="false"><rect width="200" height="170" fill="${color}"/>${draw(color)}</svg>`;
}
