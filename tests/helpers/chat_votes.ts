import app from '@adonisjs/core/services/app'
import redis from '@adonisjs/redis/services/main'
import type { Group } from '@japa/runner/core'
import type Streamer from '#models/streamer'
import type { ChatLogEntry } from '#emulator/server'
import { CHAT_VOTING_SCOPES } from '#services/chat_votes/chat_scopes'
import { PollResultsPoller } from '#services/polls/poll_results_poller'
import { campaignWithChannels, SEEDED } from '#tests/helpers/polls'
import { twitchEmulator } from '#tests/helpers/twitch_emulator'

/** What a streamer who signed in before chat voting existed has granted. */
const POLL_SCOPES = ['channel:manage:polls', 'channel:read:polls', 'user:read:email']

/**
 * Chat-vote tests: no chat tally left in Redis by an earlier test, and no
 * poller still running (it would close a run's chat votes) after each test.
 */
export function chatVoteSetup(group: Group) {
  group.each.setup(async () => {
    await clearChatVoteKeys()
    return async () => {
      const poller = await app.container.make(PollResultsPoller)
      await poller.stopAll()
      await clearChatVoteKeys()
    }
  })
}

async function clearChatVoteKeys() {
  const keys = await redis.keys('chorus:chat-vote:*')
  if (keys.length > 0) await redis.del(...keys)
}

/** The streamer reconnected and granted the chat scopes too. */
export async function grantChat(streamer: Streamer) {
  streamer.scopes = [...POLL_SCOPES, ...CHAT_VOTING_SCOPES]
  await streamer.save()
}

/**
 * A campaign for a mixed launch: two affiliates that run Twitch polls
 * (aria_plays, bram_rolls) and plain_pat, not an affiliate, who granted the
 * chat scopes and so votes in chat.
 */
export async function mixedCampaign() {
  const channels = await campaignWithChannels([SEEDED.aria, SEEDED.bram, SEEDED.pat])
  await grantChat(channels.streamers[SEEDED.pat.login])
  return channels
}

/** The texts in a channel's emulator chat, oldest first (read in process). */
export function chatTexts(broadcasterId: string) {
  return twitchEmulator.state.chatLog(broadcasterId).map((entry) => entry.text)
}

/**
 * A viewer writes in a channel's chat through the emulator's control route,
 * over HTTP, as someone driving the emulator by hand would.
 */
export async function postChatMessage(broadcasterId: string, chatterLogin: string, text: string) {
  const response = await fetch(`${twitchEmulator.url}/_emulator/chat/${broadcasterId}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chatterLogin, text }),
  })
  if (response.status !== 201) {
    throw new Error(`posting in chat: ${response.status} ${await response.text()}`)
  }
}

/** A channel's chat as the emulator's control route lists it, over HTTP. */
export async function fetchChatLog(broadcasterId: string): Promise<ChatLogEntry[]> {
  const response = await fetch(`${twitchEmulator.url}/_emulator/chat/${broadcasterId}`)
  if (!response.ok) throw new Error(`reading chat: ${response.status} ${await response.text()}`)
  const body = (await response.json()) as { data: ChatLogEntry[] }
  return body.data
}
