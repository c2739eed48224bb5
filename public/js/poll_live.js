/*
 * The live results page of a poll run (pages/polls/run.edge).
 *
 * New results arrive through Transmit (server-sent events, channel
 * `polls/runs/<id>`, GM only). After every (re)subscription, and every few
 * seconds as a fallback when events cannot get through, the page reloads the
 * run's JSON snapshot. Votes only grow and an ended run stays ended, so an
 * older snapshot arriving late never moves the bars back. Its words are the
 * page's, in the reader's language (page_words.js).
 *
 * The page opens as soon as a launch has its run: each channel shows
 * "asking Twitch…" until the launching instance pushes its answer (its
 * poll, its chat vote, or why it is left out), and a launched run never
 * goes back to launching.
 */
import { Transmit } from '/vendor/transmit-client.js'
import { newUid, clockText } from '/js/live_client.js'
import { word, wordOrNull } from '/js/page_words.js'

const root = document.querySelector('[data-poll-run]')
const dataElement = document.getElementById('poll-run-data')

if (root && dataElement) {
  start(JSON.parse(dataElement.textContent))
}

function start(initial) {
  const resultsUrl = `/campaigns/${root.dataset.campaignId}/runs/${root.dataset.runId}/results`
  let current = initial
  let clockOffset = Date.parse(initial.serverNow) - Date.now()
  let transmit = null
  const timers = []

  function apply(snapshot) {
    if (!snapshot || snapshot.id !== current.id) return
    if (!current.live && snapshot.live) return
    if (current.status !== 'launching' && snapshot.status === 'launching') return
    if (current.live === snapshot.live && snapshot.totalVotes < current.totalVotes) return
    current = snapshot
    const serverNow = Date.parse(snapshot.serverNow)
    if (!Number.isNaN(serverNow)) clockOffset = serverNow - Date.now()
    render(snapshot)
    if (!snapshot.live) stop()
  }

  async function refresh() {
    try {
      const response = await fetch(resultsUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      })
      if (response.ok) apply(await response.json())
    } catch {
      // Offline for a moment: the next refresh or event catches up.
    }
  }

  function stop() {
    timers.forEach((timer) => clearInterval(timer))
    timers.length = 0
    tickCountdown()
    if (transmit) {
      transmit.close()
      transmit = null
      setConnection('')
    }
  }

  function tickCountdown() {
    const element = root.querySelector('[data-countdown]')
    if (!element) return
    const endsAt = Date.parse(current.endsAt)
    if (!current.live || Number.isNaN(endsAt)) {
      element.textContent = ''
      return
    }
    const left = endsAt - (Date.now() + clockOffset)
    if (left <= 0) {
      element.textContent = word('time_up')
      return
    }
    element.textContent = word('left_clock', { time: clockText(left) })
  }

  function setConnection(text) {
    const element = root.querySelector('[data-connection]')
    if (element) element.textContent = text
  }

  render(current)
  if (!current.live) return

  tickCountdown()
  timers.push(setInterval(tickCountdown, 1000))
  // Fallback: the JSON snapshot, more often once the time is up.
  let lastRefresh = Date.now()
  timers.push(
    setInterval(() => {
      const timeUp = Date.parse(current.endsAt) <= Date.now() + clockOffset
      if (Date.now() - lastRefresh >= (timeUp ? 2000 : 10000)) {
        lastRefresh = Date.now()
        void refresh()
      }
    }, 1000)
  )

  try {
    transmit = new Transmit({
      baseUrl: window.location.origin,
      maxReconnectAttempts: 1000,
      uidGenerator: newUid,
    })
    transmit.on('connected', () => setConnection(`· ${word('live_on')}`))
    transmit.on('reconnecting', () => setConnection(`· ${word('reconnecting')}`))
    const subscription = transmit.subscription(root.dataset.channel)
    subscription.onMessage((message) => {
      if (message && message.type === 'results') apply(message.run)
    })
    subscription
      .create()
      .then(() => refresh())
      .catch(() => setConnection(`· ${word('live_unavailable')}`))
  } catch {
    setConnection(`· ${word('live_unavailable')}`)
  }
}

function render(run) {
  const root = document.querySelector('[data-poll-run]')
  root.dataset.live = run.live ? 'true' : 'false'
  setText(root, '[data-status-label]', word(`run_status.${run.status}`))
  root.querySelector('[data-status-label]')?.classList.toggle('badge-ok', run.live)
  setText(root, '[data-total-votes]', run.totalVotes)
  setText(root, '[data-channel-count]', run.channels.length)
  const note = root.querySelector('[data-launch-note]')
  if (note) {
    note.hidden = !run.launchNote
    setText(root, '[data-launch-note]', run.launchNote ? launchNoteText(run.launchNote) : '')
  }
  root.querySelectorAll('[data-live-only]').forEach((element) => (element.hidden = !run.live))
  root.querySelectorAll('[data-ended-only]').forEach((element) => (element.hidden = run.live))

  const bars = root.querySelector('[data-bars]')
  if (bars) renderVotes(bars, run.totals, run.totalVotes, true)
  renderVerdict(root, run)

  // A channel's row is found by its login: during the launch it has no stored id yet.
  const rowOf = (channel) => root.querySelector(`tr[data-login="${CSS.escape(channel.login)}"]`)
  for (const channel of run.leftOut) {
    const row = rowOf(channel)
    if (!row) continue
    row.dataset.launchState = 'left-out'
    setText(row, '[data-twitch-status]', '')
    setText(row, '[data-read-error]', reasonText(channel))
  }
  for (const channel of run.channels) {
    const row = rowOf(channel)
    if (!row) continue
    row.dataset.launchState = 'live'
    if (channel.id > 0) row.dataset.channelId = String(channel.id)
    renderVotes(row, channel.votes, channel.total, false)
    setText(row, '[data-total]', channel.total)
    setText(row, '[data-twitch-status]', (channel.twitchStatus || '').toLowerCase())
    setText(
      row,
      '[data-read-error]',
      channel.endPending ? endPendingText(channel) : detailText(channel.readError)
    )
    const voting = row.querySelector('[data-voting]')
    const votingText = channel.votingInterrupted
      ? word('voting_interrupted')
      : channel.voting && wordOrNull(`voting.${channel.voting}`)
    if (voting && votingText) {
      voting.dataset.voting = channel.voting || ''
      voting.dataset.votingInterrupted = channel.votingInterrupted ? 'true' : 'false'
      voting.classList.toggle('badge-bad', Boolean(channel.votingInterrupted))
      setText(row, '[data-voting]', votingText)
    }
    const via = row.querySelector('[data-results-via]')
    if (via && channel.resultsVia) {
      via.dataset.resultsVia = channel.resultsVia
      via.classList.toggle('badge-ok', channel.resultsVia === 'events')
      setText(row, '[data-results-via]', word(`results_via.${channel.resultsVia}`))
    }
  }
}

/** The launch note's message (`polls.launch_note.<name>`) is the page word `launch_note.<name>`. */
function launchNoteText(note) {
  return word(`launch_note.${note.key.split('.').pop()}`, note.values)
}

/** Why a channel was left out, then what Twitch said, as the page writes it (components/polls/channels.edge). */
function reasonText(channel) {
  if (!channel.reason) return ''
  const reason = word(`reason.${channel.reason}`)
  return channel.error ? word('reason_detail', { reason, detail: detailText(channel.error) }) : reason
}

/** Chorus's own detail by its code (`polls.detail.<code>`), or what Twitch said, as is. */
function detailText(detail) {
  if (!detail) return ''
  return detail.code ? word(`detail.${detail.code}`) : detail.text
}

/** Twitch not told yet that the poll ended, and why. */
function endPendingText(channel) {
  return channel.readError
    ? word('end_pending.with_error', { error: detailText(channel.readError) })
    : word('end_pending.plain')
}

/** Once ended: who won (or the tie), and a star on the winning bars. */
function renderVerdict(root, run) {
  const verdict = root.querySelector('[data-verdict]')
  if (verdict) {
    const text = verdictText(run)
    verdict.hidden = !text
    setText(root, '[data-verdict]', text)
  }
  const winners = run.winners || []
  root.querySelectorAll('[data-bars] [data-choice-index]').forEach((bar) => {
    const won = winners.includes(Number(bar.dataset.choiceIndex))
    bar.classList.toggle('poll-bar-winner', won)
    const mark = bar.querySelector('[data-winner-mark]')
    if (mark) mark.hidden = !won
  })
}

/** Who won, as the page writes it (components/polls/bars.edge); empty while live. */
function verdictText(run) {
  if (run.live) return ''
  const winners = run.winners || []
  if (winners.length === 0) return word('verdict.none')
  const names = winners.map((index) => run.choices[index])
  if (names.length === 1) return word('verdict.winner', { choice: names[0] })
  return word('verdict.tie', { choices: names.join(' / ') })
}

function renderVotes(container, votes, total, withWords) {
  votes.forEach((count, index) => {
    const cell = container.querySelector(`[data-choice-index="${index}"]`)
    if (!cell) return
    const share = total ? Math.round((count * 100) / total) : 0
    setText(cell, '[data-votes]', count)
    if (withWords) {
      setText(cell, '[data-votes-word]', word('votes_word', { count }))
      setText(cell, '[data-share]', share)
      cell.querySelector('[role="progressbar"]')?.setAttribute('aria-valuenow', String(share))
    }
    const fill = cell.querySelector('[data-fill]')
    if (fill) fill.style.width = `${share}%`
  })
}

function setText(container, selector, value) {
  const element = container.querySelector(selector)
  if (element && element.textContent !== String(value)) element.textContent = String(value)
}
