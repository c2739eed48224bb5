import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import { apiCall, apiLaunch, apiTokenOf } from '#tests/helpers/api'
import { pollTestSetup } from '#tests/helpers/polls'
import { eventsubTestSetup } from '#tests/helpers/eventsub'
import { chatVoteSetup, mixedCampaign } from '#tests/helpers/chat_votes'

/*
 * docs/api.md shows what the API answers for the emulator's accounts in the
 * demo (Twitch events on). Its examples must say what the API really says of
 * them, and its curl session must run anywhere as written.
 */
const GUIDE = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8')

/** The JSON blocks of the guide's section whose heading contains `heading`. */
function examplesUnder(heading: string) {
  const start = GUIDE.indexOf(heading)
  if (start < 0) throw new Error(`docs/api.md has no section "${heading}"`)
  const end = GUIDE.indexOf('\n### ', start + heading.length)
  const section = GUIDE.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]))
}

type Row = { twitch_login: string }
function rowOf<T extends Row>(rows: T[], login: string) {
  const row = rows.find((candidate) => candidate.twitch_login === login)
  if (!row) throw new Error(`no row for ${login}`)
  return row
}

test.group('docs/api.md says what the API answers', (group) => {
  pollTestSetup(group)
  eventsubTestSetup(group)
  chatVoteSetup(group)

  test('plain_pat (not an affiliate) votes in chat, in the readiness and launch examples', async ({
    client,
    assert,
  }) => {
    const { gm, campaign } = await mixedCampaign()
    const token = await apiTokenOf(gm)

    const readiness = await apiCall(
      client,
      'get',
      `/api/v1/campaigns/${campaign.id}/readiness`,
      token
    )
    const [readinessExample] = examplesUnder('`GET /api/v1/campaigns/:id/readiness`')
    assert.deepEqual(
      rowOf(readinessExample.channels, 'plain_pat'),
      rowOf(readiness.body().channels, 'plain_pat')
    )
    assert.deepEqual(
      rowOf(readinessExample.channels, 'bram_rolls'),
      rowOf(readiness.body().channels, 'bram_rolls')
    )

    const launched = await apiLaunch(client, campaign.id, token).json({
      title: 'Open the sealed door?',
      choices: ['Yes', 'No', 'Knock first'],
      duration: 90,
    })
    launched.assertStatus(201)
    const launchExample = examplesUnder('`POST /api/v1/campaigns/:id/polls`').at(-1)
    for (const login of ['plain_pat', 'bram_rolls']) {
      assert.deepEqual(rowOf(launchExample.channels, login), rowOf(launched.body().channels, login))
    }
    const [runExample] = examplesUnder('`GET /api/v1/runs/:id`')
    const run = await apiCall(client, 'get', `/api/v1/runs/${launched.body().run_id}`, token)
    // Votes differ from run to run: the rest of the row is the example's.
    const withoutVotes = (row: Row & { votes?: number[] }) => ({ ...row, votes: undefined })
    assert.deepEqual(
      withoutVotes(rowOf(runExample.channels, 'plain_pat')),
      withoutVotes(rowOf(run.body().channels, 'plain_pat'))
    )
  })

  test('the curl session uses no hard-coded ids and no tool a machine may lack', ({ assert }) => {
    const session = GUIDE.slice(GUIDE.indexOf('## With curl'), GUIDE.indexOf('## A Foundry'))
    assert.notInclude(session, 'uuidgen')
    assert.notMatch(session, /\/(campaigns|runs)\/\d/)
    assert.notMatch(session, /\bjq\b/)
    assert.match(session, /Idempotency-Key: \$KEY/)
  })
})
