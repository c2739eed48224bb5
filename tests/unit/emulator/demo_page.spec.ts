import { test } from '@japa/runner'
import {
  ARIA,
  firstPollOf,
  helixSend,
  manualClock,
  newEmulator,
  pollRequest,
  postForm,
  readJson,
} from './helpers.js'

test.group('Twitch emulator | home page for the demo', (group) => {
  const clock = manualClock(Date.UTC(2026, 10, 30, 19, 0, 0))
  const emulator = newEmulator({ now: clock.now, tickMs: 0 })

  group.setup(async () => {
    await emulator.listen(0)
    return () => emulator.close()
  })
  group.each.setup(() => {
    clock.set(Date.UTC(2026, 10, 30, 19, 0, 0))
    emulator.state.reset()
  })

  const page = async (path = '/') => {
    const response = await fetch(`${emulator.url}${path}`)
    return { response, html: await response.text() }
  }

  const startPoll = async () => {
    const token = emulator.state.issueTokens(ARIA).accessToken
    return firstPollOf(helixSend(emulator, 'POST', '/polls', token, pollRequest(ARIA)))
  }

  test('serves a favicon', async ({ assert }) => {
    const response = await fetch(`${emulator.url}/favicon.ico`)
    const body = await response.text()
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'image/svg+xml')
    assert.match(body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  })

  test('lists the users, and a live poll with its choices, counts and vote buttons', async ({
    assert,
  }) => {
    const poll = await startPoll()
    emulator.state.castVotes(poll.id, 1, 4)
    clock.advance(20_000)

    const { response, html } = await page()
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
    assert.include(html, '<link rel="icon" href="/favicon.ico"')
    for (const name of ['Aria_Plays', 'Bram_Rolls', 'Cass_Casts', 'Dorian_DM', 'Plain_Pat']) {
      assert.include(html, name)
    }
    assert.include(html, `data-poll-id="${poll.id}">Where does the party go next?</p>`)
    assert.include(html, '100 s left')
    assert.include(html, 'The tavern</td>\n<td class="count" data-choice-votes="1">4</td>')
    assert.include(html, `action="/_emulator/demo/polls/${poll.id}/votes"`)
    assert.lengthOf(html.match(/data-vote="\d"/g) ?? [], 3)

    const same = await page('/_emulator')
    assert.equal(same.html, html)
  })

  test('a vote button adds votes and comes back to the channel', async ({ assert }) => {
    const poll = await startPoll()
    const response = await postForm(`${emulator.url}/_emulator/demo/polls/${poll.id}/votes`, {
      choiceIndex: '2',
      count: '10',
    })
    await response.arrayBuffer()
    assert.equal(response.status, 302)
    assert.equal(response.headers.get('location'), `/#channel-${ARIA}`)
    assert.deepEqual(
      emulator.state.getPoll(poll.id)?.choices.map((choice) => choice.votes),
      [0, 0, 10]
    )

    const refused = await postForm(`${emulator.url}/_emulator/demo/polls/${poll.id}/votes`, {
      choiceIndex: '7',
      count: '1',
    })
    await refused.arrayBuffer()
    assert.match(refused.headers.get('location') ?? '', /^\/\?error=choiceIndex/)
    const { html } = await page(refused.headers.get('location') ?? '/')
    assert.include(html, '<p class="error" id="error">choiceIndex must be from 0 to 2</p>')
  })

  test('chat is shown per channel, and the form posts as a viewer', async ({ assert }) => {
    const response = await postForm(`${emulator.url}/_emulator/demo/chat/${ARIA}`, {
      chatterLogin: 'demo_viewer',
      text: '!vote 2 <b>now</b>',
    })
    await response.arrayBuffer()
    assert.equal(response.status, 302)
    const [entry] = emulator.state.chatLog(ARIA)
    assert.equal(entry.text, '!vote 2 <b>now</b>')

    const { html } = await page()
    assert.include(html, '<span class="from">demo_viewer</span>: !vote 2 &lt;b&gt;now&lt;/b&gt;')
    assert.notInclude(html, '<b>now</b>')
    assert.include(html, `action="/_emulator/demo/chat/${ARIA}"`)
  })

  test('escapes what users typed', async ({ assert }) => {
    emulator.state.createUser({ login: 'sneaky_sam', displayName: '<script>alert(1)</script>' })
    const { html } = await page()
    assert.notInclude(html, '<script>alert(1)</script>')
    assert.include(html, '&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('switches flip automatic votes and auto-chatters', async ({ assert }) => {
    const response = await postForm(`${emulator.url}/_emulator/demo/switches`, { autoChat: 'on' })
    await response.arrayBuffer()
    assert.isTrue(emulator.state.settings.autoChat)
    assert.isFalse(emulator.state.settings.autoVotes)
    const { html } = await page()
    assert.include(html, 'Auto-chatters: on')
  })

  test('asked for JSON, the root still describes the emulator', async ({ assert }) => {
    const response = await fetch(`${emulator.url}/`, { headers: { Accept: 'application/json' } })
    const body = await readJson(response)
    assert.deepEqual(body, {
      name: 'Twitch emulator',
      oauth: '/oauth2',
      helix: '/helix',
      control: '/_emulator',
    })
  })
})
