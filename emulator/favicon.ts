/**
 * The emulator's icon: a purple speech bubble with a tick, as SVG, so no
 * binary file is needed and browsers stop asking for a missing /favicon.ico.
 */
export const FAVICON_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
  `<path d="M8 6h48a4 4 0 0 1 4 4v32a4 4 0 0 1-4 4H30l-12 12v-12H8a4 4 0 0 1-4-4V10a4 4 0 0 1 4-4z" fill="#6441a5"/>` +
  `<path d="M20 26l8 8 16-16" stroke="#fff" stroke-width="6" fill="none" stroke-linecap="round" stroke-linejoin="round"/>` +
  `</svg>`
