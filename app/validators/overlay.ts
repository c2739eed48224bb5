import vine from '@vinejs/vine'
import { OVERLAY_POSITIONS, OVERLAY_THEMES } from '#models/streamer_overlay'

/** The look of a streamer's overlay, from the dashboard form. */
export const overlayLookValidator = vine.create({
  position: vine.enum(OVERLAY_POSITIONS),
  theme: vine.enum(OVERLAY_THEMES),
})
