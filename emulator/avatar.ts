/**
 * Profile pictures for emulated users: an inline SVG with the user's initials,
 * as a data: URL, so no page that shows them ever reaches an external host.
 */

const PALETTE = ['#6441a5', '#1f8a70', '#c2410c', '#1d4ed8', '#a21caf', '#4d7c0f', '#b91c1c']

/** Same login, same colour: the palette index comes from a tiny string hash. */
function colourFor(login: string): string {
  let hash = 0
  for (const char of login) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  }
  return PALETTE[hash % PALETTE.length]
}

function initialsOf(displayName: string): string {
  const parts = displayName.split(/[_\s-]+/).filter((part) => part.length > 0)
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : displayName.slice(0, 2)
  return letters.toUpperCase().replace(/[^A-Z0-9]/g, '?')
}

export function avatarDataUrl(login: string, displayName: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">` +
    `<rect width="300" height="300" rx="150" fill="${colourFor(login)}"/>` +
    `<text x="150" y="150" dy="0.35em" text-anchor="middle" font-family="sans-serif" ` +
    `font-size="120" font-weight="bold" fill="#ffffff">${initialsOf(displayName)}</text></svg>`
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}
