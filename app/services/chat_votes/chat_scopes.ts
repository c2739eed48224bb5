/**
 * What a streamer must have granted Chorus for their channel to vote in
 * chat: read the chat as Chorus's bot (`user:read:chat` + `user:bot` from the
 * reader, `channel:bot` from the broadcaster — here one person) and post the
 * question and the result (`user:write:chat`). See docs/chat-voting.md.
 */
export const CHAT_VOTING_SCOPES = [
  'user:read:chat',
  'user:write:chat',
  'user:bot',
  'channel:bot',
] as const

export function hasChatVotingScopes(scopes: readonly string[]): boolean {
  return CHAT_VOTING_SCOPES.every((scope) => scopes.includes(scope))
}
