import { test } from '@japa/runner'
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import router from '@adonisjs/core/services/router'
import type { Assert } from '@japa/assert'
import PollRun from '#models/poll_run'
import { UserFactory } from '#database/factories/user_factory'
import { CampaignFactory } from '#database/factories/campaign_factory'
import { CampaignMembershipFactory } from '#database/factories/campaign_membership_factory'
import { apiCall, apiLaunch, apiTestSetup, apiTokenOf, useApiSettings } from '#tests/helpers/api'
import { campaignWithChannels, SEEDED } from '#tests/helpers/polls'

/*
 * docs/openapi.json is what Postman, Insomnia or a generated client know of
 * the API: every real answer of every route, success and error, must be one
 * it describes (status, required headers, body), checked with a JSON Schema
 * 2020-12 validator. An answer the document does not describe, or a body
 * that does not match it, fails.
 */

interface OpenApiResponse {
  $ref?: string
  headers?: Record<string, { required?: boolean }>
  content?: Record<string, { schema: { $ref: string } }>
}
interface OpenApiOperation {
  responses: Record<string, OpenApiResponse>
  requestBody?: { content: Record<string, { schema: { $ref: string } }> }
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components: { schemas: Record<string, object>; responses: Record<string, OpenApiResponse> }
}

const DOCUMENT: OpenApiDocument = JSON.parse(
  readFileSync(new URL('../../../../docs/openapi.json', import.meta.url), 'utf8')
)
const DOCUMENT_ID = 'openapi.json'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
// The document's schemas are reached through `components`, as its $refs say.
ajv.addKeyword('components')
ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: DOCUMENT.components.schemas } })

function validatorOf(ref: string) {
  const validate = ajv.getSchema(`${DOCUMENT_ID}${ref}`)
  if (!validate) throw new Error(`docs/openapi.json has no schema ${ref}`)
  return validate
}

/** What the test saw of an answer, from the test client or from fetch. */
interface Answer {
  status: number
  header: (name: string) => string | null | undefined
  body: unknown
}

type Method = 'get' | 'post'

/**
 * Checks an answer against the document and notes which documented answer
 * it was.
 */
function conforms(
  assert: Assert,
  seen: Set<string>,
  method: Method,
  template: string,
  answer: Answer
) {
  const where = `${method.toUpperCase()} ${template} → ${answer.status}`
  const operation = DOCUMENT.paths[template]?.[method]
  assert.exists(operation, `${method.toUpperCase()} ${template} is not in docs/openapi.json`)
  let described = operation!.responses[String(answer.status)]
  assert.exists(described, `${where} is not documented`)
  if (described.$ref) {
    described = DOCUMENT.components.responses[described.$ref.split('/').pop()!]
  }
  for (const [name, header] of Object.entries(described.headers ?? {})) {
    if (header.required) assert.exists(answer.header(name), `${where} lacks ${name}`)
  }
  assert.match(answer.header('content-type') ?? '', /^application\/json/, where)
  const validate = validatorOf(described.content!['application/json'].schema.$ref)
  const valid = validate(answer.body)
  assert.isTrue(
    valid,
    `${where}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(answer.body)}`
  )
  seen.add(`${method} ${template} ${answer.status}`)
}

function fromClient(response: {
  status(): number
  header(name: string): string | undefined
  body(): unknown
}): Answer {
  return {
    status: response.status(),
    header: (name) => response.header(name.toLowerCase()),
    body: response.body(),
  }
}

/** Answers no test can bring about without breaking PostgreSQL or Redis (operations tests do). */
const NOT_PROVOKED = new Set(['503'])

test.group('API v1: docs/openapi.json describes every answer', (group) => {
  apiTestSetup(group)

  test('every API route of the router is in the document, and only those', ({ assert }) => {
    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.pattern.startsWith('/api/v1/'))
      .flatMap((route) =>
        route.methods
          .filter((verb) => verb !== 'HEAD')
          .map((verb) => `${verb.toLowerCase()} ${route.pattern.replace(/:(\w+)/g, '{$1}')}`)
      )
    const documented = Object.entries(DOCUMENT.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((verb) => `${verb} ${path}`)
    )
    assert.sameMembers(documented, routes)
  })

  test('real answers of every route, success and errors, match the document', async ({
    client,
    assert,
  }) => {
    const seen = new Set<string>()
    const { gm, campaign, streamers } = await campaignWithChannels([SEEDED.bram, SEEDED.pat])
    const token = await apiTokenOf(gm)
    const memberToken = await apiTokenOf(streamers.bram_rolls.user)
    const strangerToken = await apiTokenOf(await UserFactory.create())
    const question = { title: 'Open the sealed door?', choices: ['Yes', 'No'], duration: 60 }
    const launchPath = '/api/v1/campaigns/{id}/polls'
    const check = (method: Method, template: string, answer: Answer) =>
      conforms(assert, seen, method, template, answer)

    // What we send is what the document asks for.
    const requestSchema = DOCUMENT.paths[launchPath].post.requestBody!.content['application/json']
    assert.isTrue(validatorOf(requestSchema.schema.$ref)({ ...question, voting: 'chat' }))

    check('get', '/api/v1/me', fromClient(await apiCall(client, 'get', '/api/v1/me', token)))
    const campaigns = await apiCall(client, 'get', '/api/v1/campaigns', token)
    check('get', '/api/v1/campaigns', fromClient(campaigns))
    const readinessUrl = `/api/v1/campaigns/${campaign.id}/readiness`
    const readinessPath = '/api/v1/campaigns/{id}/readiness'
    check('get', readinessPath, fromClient(await apiCall(client, 'get', readinessUrl, token)))

    // Launch, replay, a second launch while live, bad input, a broken body.
    const launchUrl = `/api/v1/campaigns/${campaign.id}/polls`
    const launched = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'openapi-first')
      .json(question)
    launched.assertStatus(201)
    check('post', launchPath, fromClient(launched))
    const replayed = await apiLaunch(client, campaign.id, token)
      .header('Idempotency-Key', 'openapi-first')
      .json(question)
    assert.equal(replayed.header('idempotent-replayed'), 'true')
    check('post', launchPath, fromClient(replayed))
    const busy = await apiLaunch(client, campaign.id, token).json(question)
    busy.assertStatus(409)
    check('post', launchPath, fromClient(busy))
    const invalid = await apiLaunch(client, campaign.id, token).json({ title: '', choices: ['A'] })
    invalid.assertStatus(422)
    check('post', launchPath, fromClient(invalid))
    const broken = await fetch(`http://${process.env.HOST}:${process.env.PORT}${launchUrl}`, {
      method: 'POST',
      headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{"title": "unfinished',
    })
    check('post', launchPath, {
      status: broken.status,
      header: (name) => broken.headers.get(name),
      body: await broken.json(),
    })

    // The run, live and ended.
    const runId = launched.body().run_id as number
    const runUrl = `/api/v1/runs/${runId}`
    check('get', '/api/v1/runs/{id}', fromClient(await apiCall(client, 'get', runUrl, token)))
    const ended = await apiCall(client, 'post', `${runUrl}/end`, token)
    ended.assertStatus(200)
    check('post', '/api/v1/runs/{id}/end', fromClient(ended))
    const afterEnd = await apiCall(client, 'get', runUrl, token)
    assert.equal(afterEnd.body().status, 'ended')
    check('get', '/api/v1/runs/{id}', fromClient(afterEnd))

    // No channel can run it: a 422 with the reasons.
    const lonely = await CampaignFactory.merge({ ownerId: gm.id }).create()
    await CampaignMembershipFactory.merge({
      campaignId: lonely.id,
      streamerId: streamers.plain_pat.id,
    }).create()
    const nobody = await apiLaunch(client, lonely.id, token).json(question)
    nobody.assertStatus(422)
    check('post', launchPath, fromClient(nobody))

    // Ending a run still being launched: a 409.
    const launching = await PollRun.create({
      campaignId: campaign.id,
      launchedById: gm.id,
      idempotencyKey: 'openapi-still-launching',
      status: 'launching',
      title: 'Still launching?',
      choices: ['Yes', 'No'],
      durationSeconds: 60,
      channelPointsPerVote: null,
    })
    const early = await apiCall(client, 'post', `/api/v1/runs/${launching.id}/end`, token)
    early.assertStatus(409)
    check('post', '/api/v1/runs/{id}/end', fromClient(early))

    // Every route: without a token (401), a member's (403), a stranger's (404).
    const everyRoute: [Method, string, string][] = [
      ['get', '/api/v1/me', '/api/v1/me'],
      ['get', '/api/v1/campaigns', '/api/v1/campaigns'],
      ['get', readinessPath, readinessUrl],
      ['post', launchPath, launchUrl],
      ['get', '/api/v1/runs/{id}', runUrl],
      ['post', '/api/v1/runs/{id}/end', `${runUrl}/end`],
    ]
    for (const [method, template, url] of everyRoute) {
      check(method, template, fromClient(await apiCall(client, method, url, null)))
      if (url.includes(String(campaign.id)) || url.includes(String(runId))) {
        for (const other of [memberToken, strangerToken]) {
          const request = apiCall(client, method, url, other)
          const answer =
            method === 'post' && template === launchPath ? request.json(question) : request
          check(method, template, fromClient(await answer))
        }
      }
    }

    // Past the limit: a 429 with Retry-After, on every route (a fresh token each).
    useApiSettings({ requestsPerMinute: 1 })
    for (const [method, template, url] of everyRoute) {
      const limited = await apiTokenOf(gm, `Limited ${template}`)
      await apiCall(client, 'get', '/api/v1/me', limited)
      const answer = await apiCall(client, method, url, limited)
      answer.assertStatus(429)
      check(method, template, fromClient(answer))
    }

    // Every answer the document promises was seen.
    const promised = Object.entries(DOCUMENT.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([verb, operation]) =>
        Object.keys(operation.responses)
          .filter((status) => !NOT_PROVOKED.has(status))
          .map((status) => `${verb} ${path} ${status}`)
      )
    )
    assert.sameMembers([...seen], promised)
  })
})
