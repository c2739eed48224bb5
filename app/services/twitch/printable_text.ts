/**
 * Text that came from Twitch (display names, logins, poll titles, error
 * messages) made safe to print to a terminal or a log line.
 *
 * Twitch lets people choose what their names and titles contain. Printed raw,
 * a newline or carriage return starts a forged line of output ("Success: 0"),
 * and an escape sequence can recolour, move the cursor or erase what was
 * printed. Escape sequences are removed whole (so no "[31m" remnant is left),
 * then every remaining control character, including the Unicode line
 * separators and the bidirectional overrides that reorder what a reader sees.
 */

// ESC [ … final byte (CSI), ESC ] … BEL or ESC \ (OSC), and two-byte ESC sequences.
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g

// C0 controls, DEL, C1 controls (\u009b is a one-byte CSI), line/paragraph
// separators, bidirectional embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

export function printable(text: string | null | undefined): string {
  if (!text) return ''
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARACTERS, '')
}
