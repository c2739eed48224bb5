/*
 * The OBS overlay (pages/overlay/show.edge; docs/overlay.md).
 *
 * Shows the poll live on this streamer's channel with the combined votes of
 * every channel, the winner for a while after the end, and nothing
 * otherwise. Results arrive over Transmit on the overlay's own channel (the
 * subscription carries the key in `X-Overlay-Key`); after every
 * (re)subscription the page loads `/overlay/<key>/state`, so what it shows
 * never depends on having heard every message.
 *
 * Made to stay open for days: a fixed set of timers (one watchdog, one
 * countdown while a poll is live, one for the winner, one retry), replaced
 * rather than added; a dead event stream is replaced by a new one.
 */
import { Transmit } from '/vendor/transmit-client.js'
import { newUid } from '/js/live_client.js'
import { choiceNumbers, formatWord, shareText } from '/js/overlay_words.js'

const WATCHDOG_MS = 15_000
/** The server pings every stream every 30 s: this long without a word is a dead stream. */
const SILENCE_MS = 75_000
const MAX_RETRY_MS = 60_000
/** After the poll's time is up, how often to ask for the state until the end arrives. */
const LATE_END_CHECK_MS = 5_000

const root = document.querySelector('[data-overlay]')
/** The overlay's messages in the audience language, and the locale to write numbers in. */
const WORDS = root ? JSON.parse(root.dataset.words || '{}') : {}
const LOCALE = root?.dataset.formatLocale || 'en-GB'
if (root) main(root)

function say(name, values = {}) {
  return formatWord(WORDS[name] ?? '', values, LOCALE)
}

/** "1:35 left", "encore 1:35". */
function timeLeft(ms) {
  const seconds = Math.ceil(ms / 1000)
  const time = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
  return say('time_left', { time })
}

function main(root) {
  const params = new URLSearchParams(window.location.search)
  const scale = Number.parseFloat(params.get('scale') ?? '1')
  if (Number.isFinite(scale) && scale >= 0.25 && scale <= 3) {
    root.style.setProperty('--scale', String(scale))
  }
  if (params.get('preview') === '1') {
    showPreview(root)
    return
  }

  const key = decodeURIComponent(window.location.pathname.split('/')[2] ?? '')
  const stateUrl = `/overlay/${encodeURIComponent(key)}/state`
  let winnerShowMs = Number(root.dataset.winnerMs) || 15_000

  let current = null
  let clockOffset = 0
  let stopped = false
  let connection = null
  let countdown = null
  let winnerTimer = null
  let retryTimer = null
  let retryDelay = 1000
  let lastLateCheck = 0
  let watchdog = null

  function accept(poll) {
    if (!poll) {
      // Nothing on this channel now (or the winner's time is over).
      current = null
      hide()
      return
    }
    if (current && poll.id < current.id) return
    if (current && poll.id === current.id) {
      // Ended stays ended; votes never go back.
      if (!current.live && poll.live) return
      if (current.live === poll.live && poll.totalVotes < current.totalVotes) return
    }
    current = poll
    const serverNow = Date.parse(poll.serverNow)
    if (!Number.isNaN(serverNow)) clockOffset = serverNow - Date.now()
    render(root, poll)
    if (poll.live) {
      setWinnerTimer(null)
      root.dataset.state = 'live'
      show()
      startCountdown()
    } else {
      stopCountdown()
      const endedAt = Date.parse(poll.endedAt ?? poll.serverNow)
      const left = winnerShowMs - (serverNow - endedAt)
      if (Number.isNaN(left) || left <= 0) {
        hide()
        return
      }
      root.dataset.state = 'winner'
      show()
      setWinnerTimer(left)
    }
    tick()
  }

  function show() {
    root.dataset.visible = 'true'
  }

  function hide() {
    root.dataset.visible = 'false'
    root.dataset.state = 'hidden'
    stopCountdown()
    setWinnerTimer(null)
  }

  function setWinnerTimer(ms) {
    if (winnerTimer) clearTimeout(winnerTimer)
    winnerTimer =
      ms === null
        ? null
        : setTimeout(() => {
            winnerTimer = null
            hide()
          }, ms)
  }

  function startCountdown() {
    if (!countdown) countdown = setInterval(tick, 1000)
  }

  function stopCountdown() {
    if (countdown) clearInterval(countdown)
    countdown = null
  }

  function tick() {
    const element = root.querySelector('[data-time-left]')
    if (!current || !element) return
    if (!current.live) {
      setText(element, say('final_result'))
      return
    }
    const endsAt = Date.parse(current.endsAt)
    const left = endsAt - (Date.now() + clockOffset)
    if (Number.isNaN(endsAt)) {
      setText(element, say('live'))
    } else if (left > 0) {
      setText(element, timeLeft(left))
    } else {
      setText(element, say('counting'))
      // The end message may have been missed: ask now and then until it is there.
      if (-left > LATE_END_CHECK_MS && Date.now() - lastLateCheck > LATE_END_CHECK_MS) {
        lastLateCheck = Date.now()
        void loadState()
      }
    }
  }

  async function loadState() {
    try {
      const response = await fetch(stateUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      })
      if (response.status === 404) {
        stop()
        return 'gone'
      }
      if (!response.ok) return 'failed'
      const state = await response.json()
      if (Number(state.winnerShowMs) > 0) winnerShowMs = Number(state.winnerShowMs)
      if (!stopped) accept(state.poll)
      return 'ok'
    } catch {
      return 'failed'
    }
  }

  /** The key no longer works: show nothing, listen to nothing. */
  function stop() {
    stopped = true
    current = null
    hide()
    root.dataset.connection = 'gone'
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    if (watchdog) clearInterval(watchdog)
    watchdog = null
    connection?.transmit.close()
    connection = null
  }

  function connect() {
    const state = { transmit: null, eventSource: null, lastSeen: Date.now(), connected: false }
    const seen = () => (state.lastSeen = Date.now())
    state.transmit = new Transmit({
      baseUrl: window.location.origin,
      uidGenerator: newUid,
      // The browser's EventSource reconnects by itself; the watchdog replaces a dead one.
      maxReconnectAttempts: 0,
      eventSourceFactory: (url, init) => {
        const source = new EventSource(url, init)
        source.addEventListener('open', seen)
        source.addEventListener('message', seen)
        state.eventSource = source
        return source
      },
      beforeSubscribe: (request) => request.headers.set('X-Overlay-Key', key),
      onSubscription: () => {
        retryDelay = 1000
        root.dataset.connection = 'live'
        void loadState()
      },
      onSubscribeFailed: () => scheduleResubscribe(),
    })
    const subscription = state.transmit.subscription(root.dataset.channel)
    subscription.onMessage((message) => {
      if (stopped || connection !== state) return
      if (message && message.type === 'poll') accept(message.poll)
      if (message && message.type === 'revoked') stop()
    })
    state.subscription = subscription
    state.transmit.on('connected', () => {
      state.connected = true
      // First open: subscribe. Later opens: the client subscribes again itself.
      if (!subscription.isCreated) void subscription.create()
    })
    state.transmit.on('reconnecting', () => {
      state.connected = false
      root.dataset.connection = 'reconnecting'
    })
    connection = state
  }

  /**
   * A refused subscription (a session lost with a server restart makes the
   * CSRF check fail): load the state (which also renews the cookies), then
   * try again, waiting longer each time.
   */
  function scheduleResubscribe() {
    if (stopped || retryTimer) return
    root.dataset.connection = 'retrying'
    retryTimer = setTimeout(async () => {
      retryTimer = null
      if ((await loadState()) === 'gone' || stopped || !connection) return
      if (connection.connected) void connection.subscription.forceCreate()
    }, retryDelay)
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS)
  }

  function checkConnection() {
    if (stopped || !connection) return
    const source = connection.eventSource
    const dead = !source || source.readyState === EventSource.CLOSED
    if (dead || Date.now() - connection.lastSeen > SILENCE_MS) {
      connection.transmit.close()
      connect()
    }
  }

  root.dataset.connection = 'connecting'
  watchdog = setInterval(checkConnection, WATCHDOG_MS)
  connect()
  void loadState()
}

function render(root, poll) {
  setText(root.querySelector('[data-title]'), poll.title)
  setText(root.querySelector('[data-channel-count]'), say('channels', { count: poll.channelCount }))
  setText(root.querySelector('[data-total-votes]'), say('votes', { count: poll.totalVotes }))
  const how = root.querySelector('[data-how-to-vote]')
  if (how) {
    how.hidden = !(poll.live && poll.voting === 'chat')
    setText(how, say('how_to_vote', { numbers: choiceNumbers(poll.choices.length, LOCALE) }))
  }

  const list = root.querySelector('[data-choices]')
  const signature = JSON.stringify([poll.id, poll.choices])
  if (list.dataset.signature !== signature) {
    list.dataset.signature = signature
    list.replaceChildren(...poll.choices.map((title, index) => choiceItem(title, index)))
  }
  const winners = new Set(poll.winners)
  poll.choices.forEach((_, index) => {
    const item = list.children[index]
    const votes = poll.totals[index] ?? 0
    const share = poll.totalVotes ? Math.round((votes * 100) / poll.totalVotes) : 0
    item.classList.toggle('is-winner', !poll.live && winners.has(index))
    setText(item.querySelector('[data-share]'), shareText(votes, poll.totalVotes, LOCALE))
    setText(item.querySelector('[data-votes]'), say('votes', { count: votes }))
    item.querySelector('[data-fill]').style.width = `${share}%`
  })
}

function choiceItem(title, index) {
  const item = element('li', 'overlay-choice')
  item.dataset.choiceIndex = String(index)
  const head = element('div', 'overlay-choice-head')
  head.append(
    element('span', 'overlay-number', String(index + 1)),
    element('span', 'overlay-choice-title', title),
    element('span', 'overlay-votes'),
    element('span', 'overlay-share')
  )
  head.children[2].dataset.votes = ''
  head.children[3].dataset.share = ''
  const track = element('div', 'overlay-track')
  const fill = element('div', 'overlay-fill')
  fill.dataset.fill = ''
  track.append(fill)
  item.append(head, track)
  return item
}

function element(tag, className, text) {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function setText(node, value) {
  if (node && node.textContent !== value) node.textContent = value
}

/** The dashboard's preview: a made-up poll in the streamer's position and theme. */
function showPreview(root) {
  const now = new Date()
  render(root, {
    id: 0,
    live: true,
    title: say('preview_title'),
    choices: [say('preview_yes'), say('preview_no'), say('preview_roll')],
    totals: [42, 17, 23],
    totalVotes: 82,
    channelCount: 4,
    endsAt: new Date(now.getTime() + 95_000).toISOString(),
    endedAt: null,
    winners: [],
    voting: 'twitch',
    serverNow: now.toISOString(),
  })
  root.querySelector('[data-time-left]').textContent = timeLeft(95_000)
  root.dataset.state = 'live'
  root.dataset.visible = 'true'
}
