import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { FixedClock } from '#tests/helpers/fixed_clock'
import {
  channelState,
  connectionState,
  countChannels,
  invitationState,
  leftOutReason,
  POLL_SCOPE,
  votingState,
} from '#services/campaigns/channel_state'
import type { BroadcasterType } from '#models/streamer'
import type { MembershipStatus } from '#models/campaign_membership'
import { translator } from '#services/i18n/translator'

/** A state's sentences (message keys) as an English reader reads them. */
function english(keys: string | string[] | null) {
  const en = translator('en')
  return [keys ?? []]
    .flat()
    .map((key) => en.t(key))
    .join(' ')
}

const START = DateTime.fromISO('2026-03-10T18:00:00', { zone: 'UTC' })

function streamer(overrides: Partial<ReturnType<typeof baseStreamer>> = {}) {
  return { ...baseStreamer(), ...overrides }
}

function baseStreamer() {
  return {
    isActive: true,
    tokenRefreshFailedAt: null as DateTime | null,
    accessTokenEncrypted: 'ciphertext' as string | null,
    tokenExpiresAt: START.plus({ hours: 4 }) as DateTime | null,
    lastTokenRefreshAt: START as DateTime | null,
    broadcasterType: 'affiliate' as BroadcasterType,
    scopes: [POLL_SCOPE, 'channel:read:polls'],
  }
}

function membership(
  status: MembershipStatus = 'active',
  grantedAt: DateTime | null = START,
  hours = 12
) {
  return {
    status,
    pollAuthorizationGrantedAt: grantedAt,
    pollAuthorizationExpiresAt: grantedAt ? grantedAt.plus({ hours }) : null,
  }
}

test.group('Channel state', () => {
  test('connected, authorized affiliate: ready, with the authorization end', ({ assert }) => {
    const clock = new FixedClock(START.plus({ minutes: 2 }))
    const state = channelState(streamer(), membership(), clock.now())

    assert.equal(state.status, 'ready')
    assert.isTrue(state.ready)
    assert.equal(state.tone, 'ok')
    assert.equal(state.voting.method, 'twitch')
    assert.equal(state.authorization.status, 'active')
    assert.isTrue(state.authorization.expiresAt!.equals(START.plus({ hours: 12 })))
    assert.equal(state.connection!.status, 'connected')
    assert.isNull(leftOutReason(state))
  })

  test('the clock moving past the 12 hours turns ready into expired', ({ assert }) => {
    const clock = new FixedClock(START.plus({ hours: 11, minutes: 59 }))
    const facts = streamer({ tokenExpiresAt: START.plus({ hours: 16 }) })
    assert.equal(channelState(facts, membership(), clock.now()).status, 'ready')

    clock.advance({ minutes: 1 })
    const state = channelState(facts, membership(), clock.now())
    assert.equal(state.status, 'expired')
    assert.isFalse(state.ready)
    assert.equal(state.authorization.status, 'expired')
    assert.isNull(state.authorization.expiresAt)
    assert.equal(leftOutReason(state), 'not_authorized')
  })

  test('deactivated with an authorization running: must reconnect, never "Ready"; reconnecting resumes it', ({
    assert,
  }) => {
    const now = START.plus({ minutes: 2 })
    const state = channelState(streamer({ isActive: false }), membership(), now)

    assert.equal(state.status, 'needs_reconnect')
    assert.equal(state.tone, 'bad')
    assert.isFalse(state.ready)
    assert.equal(state.connection!.status, 'disconnected')
    assert.isTrue(state.connection!.reconnect)
    // The authorization is still there, and the streamer is told it resumes.
    assert.equal(state.authorization.status, 'active')
    assert.include(english(state.ownReason), 'resumes as soon as you do')
    assert.equal(leftOutReason(state), 'needs_reconnect')

    // Signing in again (active, fresh token) is all it takes.
    const back = channelState(streamer(), membership(), now)
    assert.equal(back.status, 'ready')
  })

  test('a non-affiliate channel never reads as running polls, whatever its authorization', ({
    assert,
  }) => {
    const now = START.plus({ minutes: 2 })
    const facts = streamer({ broadcasterType: '' })
    for (const grant of [membership(), membership('active', null)]) {
      const state = channelState(facts, grant, now)
      assert.equal(state.status, 'no_polls')
      assert.isFalse(state.ready)
      assert.isNull(state.voting.method)
      assert.equal(state.voting.blocked, 'not_affiliate')
      assert.notInclude(english(state.reason), 'will run')
      assert.include(english(state.reason), 'Twitch polls are not available')
      assert.equal(leftOutReason(state), 'not_affiliate')
    }
  })

  test('a partner channel runs polls; a token without the poll scope must reconnect', ({
    assert,
  }) => {
    const now = START.plus({ minutes: 2 })
    assert.equal(
      channelState(streamer({ broadcasterType: 'partner' }), membership(), now).status,
      'ready'
    )
    const noScope = channelState(streamer({ scopes: ['user:read:email'] }), membership(), now)
    assert.equal(noScope.status, 'needs_reconnect')
    assert.equal(noScope.voting.blocked, 'missing_scope')
    assert.equal(noScope.connection!.status, 'connected')
  })

  test('token trouble keeps the channel ready (renewed at launch) but says so', ({ assert }) => {
    const clock = new FixedClock(START.plus({ hours: 5 }))
    const expired = channelState(streamer(), membership(), clock.now())
    assert.equal(expired.status, 'token_problem')
    assert.isTrue(expired.ready)
    assert.equal(expired.connection!.status, 'token_expired')

    const refused = channelState(
      streamer({ tokenRefreshFailedAt: START.plus({ hours: 1 }) }),
      membership(),
      START.plus({ hours: 2 })
    )
    assert.equal(refused.status, 'token_problem')
    assert.equal(refused.connection!.status, 'renewal_failed')
    assert.isTrue(refused.connection!.reconnect)
  })

  test('not granted, revoked and invited', ({ assert }) => {
    const now = START.plus({ minutes: 2 })
    const notGranted = channelState(streamer(), membership('active', null), now)
    assert.equal(notGranted.status, 'not_granted')
    assert.equal(notGranted.authorization.status, 'none')

    const invited = channelState(streamer(), membership('pending', null), now)
    assert.equal(invited.status, 'invited')
    assert.equal(leftOutReason(invited), 'not_authorized')

    const invitedNonAffiliate = channelState(
      streamer({ broadcasterType: '' }),
      membership('pending', null),
      now
    )
    assert.equal(invitedNonAffiliate.status, 'invited')
    assert.include(english(invitedNonAffiliate.reason), 'Twitch polls are not available')
  })

  test('an invitation waiting for a first sign-in', ({ assert }) => {
    const state = invitationState({ broadcasterType: 'partner' })
    assert.equal(state.status, 'awaiting_sign_in')
    assert.isNull(state.connection)
    assert.equal(state.voting.method, 'twitch')
    assert.include(english(invitationState({ broadcasterType: '' }).reason), 'Not an affiliate')
  })

  test('counts: members are the accepted ones, ready are the ones polls run on', ({ assert }) => {
    const now = START.plus({ minutes: 2 })
    const states = [
      channelState(streamer(), membership(), now),
      channelState(streamer({ broadcasterType: 'partner' }), membership(), now),
      channelState(streamer({ broadcasterType: '' }), membership(), now),
      channelState(streamer({ isActive: false }), membership(), now),
      channelState(streamer(), membership('pending', null), now),
      invitationState({ broadcasterType: 'affiliate' }),
    ]
    assert.deepEqual(countChannels(states), { members: 4, ready: 2, invited: 2 })
  })

  test('connection alone (the dashboard) and voting alone', ({ assert }) => {
    const now = START.plus({ minutes: 2 })
    assert.equal(connectionState(streamer(), now).status, 'connected')
    assert.equal(
      connectionState(streamer({ accessTokenEncrypted: null }), now).status,
      'token_expired'
    )
    assert.deepEqual(votingState({ broadcasterType: 'affiliate', scopes: null }), {
      method: 'twitch',
      blocked: null,
    })
  })

  test('chat voting: without Twitch polls, with the chat scopes and Twitch events on', ({
    assert,
  }) => {
    const poll = ['channel:manage:polls']
    const chat = ['user:read:chat', 'user:write:chat', 'user:bot', 'channel:bot']
    const plain = { broadcasterType: '' as const, scopes: chat }
    assert.equal(votingState(plain, { eventsub: true }).method, 'chat')
    // Events off: no chat voting, and the reason is the missing Twitch polls.
    assert.deepEqual(votingState(plain, { eventsub: false }), {
      method: null,
      blocked: 'not_affiliate',
    })
    // No chat scopes: a reconnect gives them.
    assert.equal(
      votingState({ broadcasterType: '', scopes: poll }, { eventsub: true }).blocked,
      'missing_chat_scopes'
    )
    // An affiliate votes by Twitch poll unless the run asks for chat, and
    // keeps its Twitch poll when it cannot vote in chat.
    const affiliate = { broadcasterType: 'affiliate' as const, scopes: [...poll, ...chat] }
    assert.equal(votingState(affiliate, { eventsub: true }).method, 'twitch')
    assert.equal(votingState(affiliate, { eventsub: true, mode: 'chat' }).method, 'chat')
    assert.equal(
      votingState({ broadcasterType: 'affiliate', scopes: poll }, { eventsub: true, mode: 'chat' })
        .method,
      'twitch'
    )
  })
})
