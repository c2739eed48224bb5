/**
 * Reads a chat message as a vote. A vote is the whole message, trimmed:
 * `N`, `!N` or `!<word> N` (any case), where N names one of the choices
 * (1 … choiceCount, no leading zero, so "10" is ten) and the word is `vote`
 * or a language's own (`!voto`, `!stimme`: see `voteWords`). Anything else —
 * "1 please", "!vote2", "01", "1." — is chatter, not a vote.
 * See docs/chat-voting.md.
 */
export function parseChatVote(
  text: string,
  choiceCount: number,
  words: readonly string[] = ['vote']
): number | null {
  const named = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  const match = new RegExp(`^(?:!(?:${named})\\s+|!)?([1-9][0-9]?)$`, 'iu').exec(text.trim())
  if (!match) return null
  const choice = Number(match[1])
  return choice <= choiceCount ? choice : null
}
