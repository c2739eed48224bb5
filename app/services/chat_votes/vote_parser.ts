/**
 * Reads a chat message as a vote. A vote is the whole message, trimmed:
 * `N`, `!N` or `!vote N` (any case), where N names one of the choices
 * (1 … choiceCount, no leading zero). Anything else — "1 please", "!vote2",
 * "01", "1." — is chatter, not a vote. See docs/chat-voting.md.
 */
const VOTE = /^(?:!vote\s+|!)?([1-9][0-9]?)$/i

export function parseChatVote(text: string, choiceCount: number): number | null {
  const match = VOTE.exec(text.trim())
  if (!match) return null
  const choice = Number(match[1])
  return choice <= choiceCount ? choice : null
}
