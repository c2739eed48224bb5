import { test } from '@japa/runner'
import { loadScenarios } from '../../../benchmarks/faults/fault_kit.js'

/**
 * `npm run bench:faults` plays what `loadScenarios` finds: every fault
 * scenario lives in benchmarks/faults/scenarios, with one interface, so
 * none is left out of the report.
 */
test.group('Benchmarks: the fault scenarios', () => {
  test('every scenario of the folder is played, the silent chat delivery loss among them', async ({
    assert,
  }) => {
    const scenarios = await loadScenarios()
    const names = scenarios.map((scenario) => scenario.name)

    assert.lengthOf(names, 4)
    assert.lengthOf(new Set(names), 4, 'names tell the scenarios apart')
    assert.isTrue(names.some((name) => name.startsWith('chat delivery stops mid-vote')))
    assert.isTrue(names.some((name) => name.includes('killed mid-launch')))
    for (const scenario of scenarios) assert.isFunction(scenario.run)
  })
})
