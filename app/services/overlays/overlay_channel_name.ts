/**
 * Overlays listen on `overlays/<channel id>` (the id is derived from the
 * overlay key's hash). Kept apart from the broadcaster, which needs the app
 * booted, because the CSRF settings read it too (config/shield.ts).
 */
export const OVERLAY_CHANNEL_PREFIX = 'overlays/'
