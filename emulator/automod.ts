/** Words the emulated AutoMod rejects unless a test configures its own list. */
export const DEFAULT_AUTOMOD_WORDS: readonly string[] = ['badword', 'slur', 'scam']

/**
 * True when `text` contains a blocked word as a whole word, case-insensitively
 * ("Scam?" is caught, "scampi" is not). A blocked entry with spaces matches
 * as a phrase.
 */
export function failsAutomod(text: string, blockedWords: readonly string[]): boolean {
  const normalized = ` ${text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .join(' ')} `
  return blockedWords.some((blocked) => {
    const phrase = blocked.trim().toLowerCase()
    return phrase.length > 0 && normalized.includes(` ${phrase} `)
  })
}
