import { test } from '@japa/runner'
import { FrameLanes } from '#services/eventsub/conduit/frame_lanes'

/** A piece of work that finishes when told to, noting when it started. */
function gate(log: string[], name: string) {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return {
    open,
    work: async () => {
      log.push(`start ${name}`)
      await opened
      log.push(`end ${name}`)
    },
  }
}

test.group('Conduit frames: lanes', () => {
  test('one lane runs in order, each piece after the previous one ended', async ({ assert }) => {
    const log: string[] = []
    const lanes = new FrameLanes(8)
    const first = gate(log, 'a1')
    const second = gate(log, 'a2')
    lanes.push('a', first.work)
    lanes.push('a', second.work)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(log, ['start a1'])
    first.open()
    second.open()
    await lanes.drain()
    assert.deepEqual(log, ['start a1', 'end a1', 'start a2', 'end a2'])
  })

  test('lanes run side by side, never more than the limit at once', async ({ assert }) => {
    const log: string[] = []
    const lanes = new FrameLanes(2)
    const gates = ['a', 'b', 'c'].map((lane) => gate(log, lane))
    gates.forEach((piece, index) => lanes.push(['a', 'b', 'c'][index], piece.work))
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(log, ['start a', 'start b'])
    gates[0].open()
    await new Promise((resolve) => setImmediate(resolve))
    assert.include(log, 'start c')
    gates[1].open()
    gates[2].open()
    await lanes.drain()
    assert.lengthOf(log, 6)
  })

  test('a piece that throws does not stop its lane', async ({ assert }) => {
    const lanes = new FrameLanes(1)
    const done: string[] = []
    lanes.push('a', async () => {
      throw new Error('boom')
    })
    lanes.push('a', async () => {
      done.push('next')
    })
    await lanes.drain()
    assert.deepEqual(done, ['next'])
  })
})
