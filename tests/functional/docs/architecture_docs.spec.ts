import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { readFileSync } from 'node:fs'
import { EventSubRegistry } from '#services/eventsub/eventsub_registry'

/*
 * The docs that map the code name every part of it: a feature added later
 * without a line in the docs fails here (every service folder and provider:
 * tests/unit/docs/architecture_page.spec.ts).
 */
const root = new URL('../../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

test.group('Docs name every part of the code', () => {
  test('architecture.md lists chat among the voting methods and in the verdict order', ({
    assert,
  }) => {
    const architecture = read('docs/architecture.md')
    assert.notInclude(architecture, 'will be another method')
    const voting = architecture.slice(architecture.indexOf('- **voting**'))
    assert.match(voting.slice(0, voting.indexOf('- the **verdict**')), /`chat`/)
    const verdict = voting.slice(voting.indexOf('- the **verdict**'))
    assert.match(verdict.slice(0, verdict.indexOf('\n\n')), /chat/)
  })

  test('eventsub.md lists every subscription type Chorus wants', async ({ assert }) => {
    const registry = await app.container.make(EventSubRegistry)
    const sources = await registry.sources()
    const types = sources.flatMap((source) => [...source.types])
    assert.includeMembers(types, ['channel.chat.message', 'user.authorization.revoke'])
    const table = read('docs/eventsub.md').split('## Subscriptions')[1].split('###')[0]
    for (const type of types) assert.include(table, `\`${type}\``, type)
    assert.notMatch(table, /chat voting, for instance/)
  })
})
