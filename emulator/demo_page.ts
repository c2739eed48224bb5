import type { ChatLogEntry } from './chat_types.js'
import { escapeHtml } from './html_escape.js'
import type { HelixPoll } from './helix_serializers.js'
import type { EmulatorUser } from './types.js'

/** Everything the emulator's home page shows, gathered by the route. */
export interface DemoView {
  users: DemoChannel[]
  autoVotes: boolean
  autoChat: boolean
  subscriptions: { type: string; condition: string; status: string; callback: string }[]
  deliveries: Record<string, number>
  now: number
  error: string | null
}

export interface DemoChannel {
  user: EmulatorUser
  connected: boolean
  livePoll: HelixPoll | null
  chatVote: { choices: number; closesAt: number } | null
  chat: ChatLogEntry[]
}

const STYLES = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f0f0f4; color: #18181b; }
  header { background: #6441a5; color: #fff; padding: 1rem 1.5rem; }
  header h1 { margin: 0; font-size: 1.3rem; }
  header p { margin: .25rem 0 0; opacity: .85; font-size: .9rem; }
  header code { background: rgba(255,255,255,.15); padding: .05rem .3rem; border-radius: 4px; }
  main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  .switches { display: flex; gap: .75rem; flex-wrap: wrap; margin: 1rem 0; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 1rem; }
  section.channel, section.panel { background: #fff; border-radius: 10px; padding: 1rem;
    box-shadow: 0 2px 10px rgba(0,0,0,.06); }
  .who { display: flex; align-items: center; gap: .6rem; }
  .who img { width: 36px; height: 36px; border-radius: 50%; }
  .who h2 { font-size: 1rem; margin: 0; }
  .muted { color: #53535f; font-size: .85rem; }
  h3 { font-size: .9rem; margin: 1rem 0 .4rem; }
  table { border-collapse: collapse; width: 100%; font-size: .85rem; }
  td, th { text-align: left; padding: .3rem .25rem; border-top: 1px solid #e6e6ea; vertical-align: middle; }
  td.count { text-align: right; font-variant-numeric: tabular-nums; width: 3.5rem; }
  ol.chat { list-style: none; padding: 0; margin: 0; font-size: .85rem; max-height: 12rem; overflow: auto; }
  ol.chat li { padding: .15rem 0; }
  ol.chat .from { font-weight: 600; }
  form.inline { display: inline; }
  form.say { display: flex; gap: .4rem; margin-top: .5rem; }
  form.say input[name=text] { flex: 1; min-width: 0; }
  input { font: inherit; padding: .3rem .4rem; border: 1px solid #c8c8d0; border-radius: 6px; }
  input[name=chatterLogin] { width: 7.5rem; }
  button { font: inherit; padding: .3rem .7rem; border-radius: 6px; border: 0; cursor: pointer;
    background: #6441a5; color: #fff; }
  button.secondary { background: #e6e6ea; color: #18181b; }
  .error { background: #fee2e2; color: #991b1b; padding: .6rem .8rem; border-radius: 8px; }
  .tag { font-size: .75rem; background: #ede9fe; color: #4b2f80; padding: .05rem .4rem; border-radius: 999px; }
`

/** Reloads every few seconds, but never while someone is typing in a form. */
const REFRESH_SCRIPT = `
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && active.tagName === 'INPUT' && active.type === 'text';
    var drafts = Array.prototype.some.call(document.querySelectorAll('input[name=text]'),
      function (input) { return input.value !== ''; });
    if (!typing && !drafts) { location.reload(); }
  }, 3000);
`

function secondsLeft(until: number, now: number): string {
  return `${Math.max(0, Math.ceil((until - now) / 1000))} s left`
}

function switchForm(name: 'autoVotes' | 'autoChat', label: string, enabled: boolean): string {
  return `<form method="post" action="/_emulator/demo/switches" class="inline">
<input type="hidden" name="${name}" value="${enabled ? 'off' : 'on'}">
<button type="submit" class="${enabled ? '' : 'secondary'}" id="switch-${name}">${label}: ${enabled ? 'on' : 'off'}</button>
</form>`
}

function pollBlock(poll: HelixPoll, now: number): string {
  const endsAt = Date.parse(poll.started_at) + poll.duration * 1000
  const rows = poll.choices
    .map(
      (choice, index) => `<tr>
<td>${escapeHtml(choice.title)}</td>
<td class="count" data-choice-votes="${index}">${choice.votes}</td>
<td><form method="post" action="/_emulator/demo/polls/${escapeHtml(poll.id)}/votes" class="inline">
<input type="hidden" name="choiceIndex" value="${index}">
<input type="hidden" name="count" value="1">
<button type="submit" data-vote="${index}">+1</button></form>
<form method="post" action="/_emulator/demo/polls/${escapeHtml(poll.id)}/votes" class="inline">
<input type="hidden" name="choiceIndex" value="${index}">
<input type="hidden" name="count" value="10">
<button type="submit" class="secondary">+10</button></form></td>
</tr>`
    )
    .join('\n')
  return `<h3>Live poll <span class="muted">${secondsLeft(endsAt, now)}</span></h3>
<p class="poll-title" data-poll-id="${escapeHtml(poll.id)}">${escapeHtml(poll.title)}</p>
<table>${rows}</table>`
}

function chatBlock(channel: DemoChannel, now: number): string {
  const id = escapeHtml(channel.user.id)
  const vote = channel.chatVote
    ? `<p class="muted">Chat vote running: choices 1–${channel.chatVote.choices}, ${secondsLeft(channel.chatVote.closesAt, now)}</p>`
    : ''
  const lines =
    channel.chat.length === 0
      ? '<li class="muted">No messages yet.</li>'
      : channel.chat
          .map((entry) => {
            const shared = entry.sourceBroadcasterId
              ? ` <span class="tag">shared from ${escapeHtml(entry.sourceBroadcasterId)}</span>`
              : ''
            return `<li><span class="from">${escapeHtml(entry.chatterName)}</span>: ${escapeHtml(entry.text)}${shared}</li>`
          })
          .join('\n')
  return `<h3>Chat</h3>
${vote}
<ol class="chat">${lines}</ol>
<form method="post" action="/_emulator/demo/chat/${id}" class="say">
<input type="text" name="chatterLogin" value="demo_viewer" aria-label="Chatter login">
<input type="text" name="text" placeholder="Say something (e.g. !vote 1)" aria-label="Message" required>
<button type="submit">Send</button>
</form>`
}

function channelSection(channel: DemoChannel, now: number): string {
  const { user } = channel
  const type = user.broadcasterType === '' ? 'no affiliate status' : user.broadcasterType
  const poll = channel.livePoll
    ? pollBlock(channel.livePoll, now)
    : '<h3>Live poll</h3><p class="muted">None running.</p>'
  return `<section class="channel" id="channel-${escapeHtml(user.id)}" data-login="${escapeHtml(user.login)}">
<div class="who"><img src="${escapeHtml(user.profileImageUrl)}" alt="">
<div><h2>${escapeHtml(user.displayName)}</h2>
<span class="muted">${escapeHtml(user.id)} · ${escapeHtml(user.login)} · ${type}${channel.connected ? ' · <span class="tag">connected</span>' : ''}</span></div></div>
${poll}
${chatBlock(channel, now)}
</section>`
}

function eventSubPanel(view: DemoView): string {
  const rows =
    view.subscriptions.length === 0
      ? '<tr><td class="muted" colspan="4">No subscriptions.</td></tr>'
      : view.subscriptions
          .map(
            (sub) =>
              `<tr><td>${escapeHtml(sub.type)}</td><td>${escapeHtml(sub.condition)}</td><td>${escapeHtml(sub.status)}</td><td>${escapeHtml(sub.callback)}</td></tr>`
          )
          .join('\n')
  const counts = Object.entries(view.deliveries)
    .map(([key, value]) => `${escapeHtml(key)} ${value}`)
    .join(' · ')
  return `<section class="panel" id="eventsub">
<h2>EventSub</h2>
<p class="muted">Messages sent: ${counts}</p>
<table><tr><th>Type</th><th>Condition</th><th>Status</th><th>Callback</th></tr>${rows}</table>
</section>`
}

export function renderDemoPage(view: DemoView): string {
  const error = view.error ? `<p class="error" id="error">${escapeHtml(view.error)}</p>` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Twitch emulator</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>${STYLES}</style>
</head>
<body>
<header><h1>Twitch emulator</h1>
<p>OAuth at <code>/oauth2</code> · Helix at <code>/helix</code> · control API at <code>/_emulator</code></p></header>
<main>
${error}
<div class="switches">
${switchForm('autoVotes', 'Automatic poll votes', view.autoVotes)}
${switchForm('autoChat', 'Auto-chatters', view.autoChat)}
</div>
<div class="grid">
${view.users.map((channel) => channelSection(channel, view.now)).join('\n')}
</div>
${eventSubPanel(view)}
</main>
<script>${REFRESH_SCRIPT}</script>
</body>
</html>
`
}
