import type User from '#models/user'
import type Streamer from '#models/streamer'
import type Campaign from '#models/campaign'
import type { VotingMethod } from '#models/poll_channel'
import type { Readiness } from '#services/campaigns/readiness_service'
import { CampaignService } from '#services/campaigns/campaign_service'
import {
  endPendingText,
  reasonText,
  type ChannelSnapshot,
  type RunSnapshot,
} from '#services/polls/poll_snapshot'
import { translator } from '#services/i18n/translator'

/*
 * What the JSON API answers, in snake_case (docs/api.md). Built from what
 * the pages show (readiness rows, run snapshots), never from raw rows: no
 * token, hash or internal id leaks through here. Its sentences are in
 * English, whatever the token owner's language (docs/languages.md).
 */

/** How a channel votes in a poll: by Twitch poll, in chat, or not at all. */
type ApiVoting = VotingMethod | null

export function meResource(user: User, streamer: Streamer | null, overlayUrl: string | null) {
  return {
    id: user.id,
    display_name: user.displayName,
    twitch_login: streamer?.twitchLogin ?? null,
    // The streamer's secret overlay link (docs/overlay.md).
    overlay_url: overlayUrl,
  }
}

/**
 * A campaign from CampaignService.ownedBy, with its counts as the dashboard
 * says them. The API calls the ready channels (those a poll launched now
 * would reach) `authorized`: a field name the API keeps for its clients.
 */
export function campaignResource(campaign: Campaign) {
  const counts = CampaignService.counts(campaign)
  return {
    id: campaign.id,
    name: campaign.name,
    members: counts.members,
    authorized: counts.ready,
    invited: counts.invited,
  }
}

/**
 * A campaign's readiness from the channel-state model the pages show: a
 * channel can run a poll when a launch now would put one on it.
 */
export function readinessResource({ rows, counts }: Readiness) {
  return {
    ready: counts.ready,
    total: rows.length,
    channels: rows.map(({ state, login, displayName }) => ({
      twitch_login: login,
      display_name: displayName,
      status: state.status,
      can_run_poll: state.ready,
      voting: (state.ready ? state.voting.method : null) satisfies ApiVoting,
      reason: state.status === 'ready' ? null : englishSentences(state.reason),
    })),
  }
}

/** The answer to a launch: the run and what became of each channel. */
export function launchResource(snapshot: RunSnapshot) {
  return {
    run_id: snapshot.id,
    status: runStatus(snapshot),
    title: snapshot.title,
    ends_at: snapshot.endsAt,
    channels: allChannels(snapshot).map((channel) => ({
      twitch_login: channel.login,
      status: channelStatus(snapshot, channel),
      voting: voting(channel),
      reason: channelReason(snapshot, channel),
    })),
  }
}

/** A run with its combined and per-channel votes. */
export function runResource(snapshot: RunSnapshot) {
  return {
    id: snapshot.id,
    campaign_id: snapshot.campaignId,
    title: snapshot.title,
    status: runStatus(snapshot),
    started_at: snapshot.startedAt,
    ends_at: snapshot.endsAt,
    ended_at: snapshot.endedAt,
    end_reason: snapshot.endReason,
    total_votes: snapshot.totalVotes,
    totals: snapshot.choices.map((title, index) => ({
      title,
      votes: snapshot.totals[index] ?? 0,
    })),
    channels: allChannels(snapshot).map((channel) => ({
      twitch_login: channel.login,
      voting: voting(channel),
      voting_interrupted: snapshot.live && channel.votingInterrupted,
      status: channelStatus(snapshot, channel),
      votes: channel.votes,
      reason: channelReason(snapshot, channel),
    })),
  }
}

/**
 * Launching or running: live; ending: "End now" was pressed but Twitch was
 * not told on every channel yet; completed, ended early or not launched: ended.
 */
function runStatus(snapshot: RunSnapshot): 'live' | 'ending' | 'ended' {
  if (snapshot.status === 'ending') return 'ending'
  return snapshot.live ? 'live' : 'ended'
}

function allChannels(snapshot: RunSnapshot) {
  return [...snapshot.channels, ...snapshot.leftOut]
}

function channelStatus(
  snapshot: RunSnapshot,
  channel: ChannelSnapshot
): 'live' | 'ending' | 'ended' | 'left_out' | 'failed' {
  if (channel.outcome === 'skipped') return 'left_out'
  if (channel.outcome === 'failed') return 'failed'
  if (snapshot.status === 'ending') return channel.twitchPollOpen ? 'ending' : 'ended'
  if (channel.voting === 'chat') return snapshot.live ? 'live' : 'ended'
  return snapshot.live && channel.twitchPollOpen ? 'live' : 'ended'
}

/** Why a channel is left out, or why its poll is not ended yet (Twitch not told). */
function channelReason(snapshot: RunSnapshot, channel: ChannelSnapshot) {
  if (channelStatus(snapshot, channel) !== 'ending') return reasonText(translator('en'), channel)
  return endPendingText(translator('en'), channel.readError)
}

/** Sentences given as message keys, in English. */
function englishSentences(keys: string[]) {
  const english = translator('en')
  return keys.map((key) => english.t(key)).join(' ')
}

function voting(channel: ChannelSnapshot): ApiVoting {
  if (channel.outcome !== 'created') return null
  return channel.voting ?? 'twitch'
}
