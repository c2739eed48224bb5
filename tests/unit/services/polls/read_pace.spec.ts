import { test } from '@japa/runner'
import { ReadPace } from '#services/polls/read_pace'

const START = 1_000_000
const FAST = { readsPerSecond: 1000, minReadIntervalMs: 100, maxReadIntervalMs: 100 }

/**
 * Runs a pace for `durationMs` by steps of 10 ms, reading whatever is due;
 * `moved(id, at)` says whether that read saw the votes change. Returns the
 * read times of each channel, relative to the start.
 */
function simulate(
  pace: ReadPace,
  ids: number[],
  durationMs: number,
  moved: (id: number, at: number) => boolean = () => false
) {
  const reads = new Map<number, number[]>(ids.map((id) => [id, []]))
  for (let at = START; at <= START + durationMs; at += 10) {
    const due = ids.filter((id) => pace.msUntilDue(id, at) <= 0)
    for (const id of due) reads.get(id)!.push(at - START)
    pace.afterRead(due, new Set(due.filter((id) => moved(id, at))), at)
  }
  return reads
}

test.group('ReadPace', () => {
  test('the interval is spread over the run so it stays within the reads per second', ({
    assert,
  }) => {
    const settings = { readsPerSecond: 20, minReadIntervalMs: 1000, maxReadIntervalMs: 10_000 }
    assert.equal(ReadPace.intervalFor(1, settings), 1000)
    assert.equal(ReadPace.intervalFor(20, settings), 1000)
    assert.equal(ReadPace.intervalFor(50, settings), 2500)
    assert.equal(ReadPace.intervalFor(500, settings), 10_000)
  })

  test('channels whose votes move are read once per interval, no more', ({ assert }) => {
    const pace = new ReadPace(
      { ...FAST, quietBackoffFactor: 1 },
      { channelIds: [1, 2], pollCount: 2 },
      START
    )
    const reads = simulate(pace, [1, 2], 1000, () => true)
    assert.deepEqual(reads.get(1), [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    assert.deepEqual(reads.get(2), reads.get(1))
  })

  test('a channel whose votes do not move is read less and less often, up to the factor', ({
    assert,
  }) => {
    const pace = new ReadPace(
      { ...FAST, quietBackoffFactor: 4 },
      { channelIds: [1], pollCount: 1 },
      START
    )
    // Waits 2×, then 4× (the cap) the interval after each unchanged read.
    assert.deepEqual(simulate(pace, [1], 2000).get(1), [100, 300, 700, 1100, 1500, 1900])
  })

  test('a change brings a quiet channel back to one read per interval', ({ assert }) => {
    const pace = new ReadPace(
      { ...FAST, quietBackoffFactor: 4 },
      { channelIds: [1], pollCount: 1 },
      START
    )
    const reads = simulate(pace, [1], 1200, (_, at) => at - START === 700)
    assert.deepEqual(reads.get(1), [100, 300, 700, 800, 1000])
  })

  test('a channel it was not told about is due at once', ({ assert }) => {
    const pace = new ReadPace(
      { ...FAST, quietBackoffFactor: 1 },
      { channelIds: [1], pollCount: 1 },
      START
    )
    assert.equal(pace.msUntilDue(1, START), 100)
    assert.isAtMost(pace.msUntilDue(99, START), 0)
  })
})
