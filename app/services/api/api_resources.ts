import type User from '#models/user'
import type Streamer from '#models/streamer'
import type Campaign from '#models/campaign'
import type { ReadinessRow } from '#services/campaigns/readiness_service'
import type { ChannelSnapshot, RunSnapshot } from '#services/polls/poll_snapshot'

/*
 * What the JSON API answers, in snake_case (docs/api.md). Built from what
 * the pages show (readiness rows, run snapshots), never from raw rows: no
 * token, hash or internal id leaks through here.
 */

/** How a channel votes in a poll: by Twitch poll, in chat, or not at all. */
export type ApiVoting = 'twitch' | 'chat' | null

export function meResource(user: User, streamer: Streamer | null) {
  return {
    id: user.id,
    display_name: user.displayName,
    twitch_login: streamer?.twitchLogin ?? null,
    // The streamer's overlay link, once overlays exist on this server.
    overlay_url: null,
  }
}

/** A campaign from CampaignService.ownedBy (with its member counts). */
export function campaignResource(campaign: Campaign) {
  return {
    id: campaign.id,
    name: campaign.name,
    members: Number(campaign.$extras.membersCount ?? 0),
    authorized: Number(campaign.$extras.authorizedCount ?? 0),
    invited: Number(campaign.$extras.invitedCount ?? 0),
  }
}

export function readinessResource(rows: ReadinessRow[]) {
  const channels = rows.map((row) => {
    const canRunPoll = row.status === 'authorized' && row.canRunPolls
    return {
      twitch_login: row.login,
      display_name: row.displayName,
      status: row.status,
      can_run_poll: canRunPoll,
      voting: (canRunPoll ? 'twitch' : null) satisfies ApiVoting,
      reason: canRunPoll
        ? null
        : row.status === 'authorized'
          ? 'Twitch polls need an affiliate or partner channel.'
          : row.detail,
    }
  })
  return {
    ready: channels.filter((channel) => channel.can_run_poll).length,
    total: channels.length,
    channels,
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
      reason: channel.reasonText,
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
      status: channelStatus(snapshot, channel),
      votes: channel.votes,
      reason: channel.reasonText,
    })),
  }
}

/** Launching, running or ending: live; completed, ended early or not launched: ended. */
function runStatus(snapshot: RunSnapshot): 'live' | 'ended' {
  return snapshot.live ? 'live' : 'ended'
}

function allChannels(snapshot: RunSnapshot) {
  return [...snapshot.channels, ...snapshot.leftOut]
}

function channelStatus(
  snapshot: RunSnapshot,
  channel: ChannelSnapshot
): 'live' | 'ended' | 'left_out' | 'failed' {
  if (channel.outcome === 'skipped') return 'left_out'
  if (channel.outcome === 'failed') return 'failed'
  const active = channel.twitchStatus === null || channel.twitchStatus === 'ACTIVE'
  return snapshot.live && active ? 'live' : 'ended'
}

function voting(channel: ChannelSnapshot): ApiVoting {
  return channel.outcome === 'created' ? 'twitch' : null
}
