import { test } from '@japa/runner'
import { MAX_ROW_ID, rowId } from '#start/route_matchers'

test.group('rowId route matcher', () => {
  test('accepts every id PostgreSQL integer columns can hold', ({ assert }) => {
    for (const id of ['1', '9', '10', '999999999', '1000000000', '2147483647', '2147483639']) {
      assert.isTrue(rowId.match.test(id), id)
      assert.equal(rowId.cast(id), Number(id))
    }
    assert.equal(rowId.cast(String(MAX_ROW_ID)), 2_147_483_647)
  })

  test('refuses ids above the integer range', ({ assert }) => {
    for (const id of [
      '2147483648',
      '2147483650',
      '2147483700',
      '2148000000',
      '2200000000',
      '3000000000',
      '9999999999',
      '10000000000',
      '9999999999999999999999',
    ]) {
      assert.isFalse(rowId.match.test(id), id)
    }
  })

  test('refuses anything but plain digits', ({ assert }) => {
    for (const id of ['0', '007', '-1', '1.5', '1e3', 'abc', '', ' 1', '1 ', '０１']) {
      assert.isFalse(rowId.match.test(id), JSON.stringify(id))
    }
  })

  test('every 10-digit boundary is placed right', ({ assert }) => {
    // Walk each digit position of 2147483647 one above and one below.
    const max = String(MAX_ROW_ID)
    for (let position = 0; position < max.length; position++) {
      const digit = Number(max[position])
      const prefix = max.slice(0, position)
      const rest = '0'.repeat(max.length - position - 1)
      if (digit < 9) {
        assert.isFalse(
          rowId.match.test(`${prefix}${digit + 1}${rest}`),
          `${prefix}${digit + 1}${rest}`
        )
      }
      if (digit > 0 && !(position === 0 && digit === 1)) {
        assert.isTrue(rowId.match.test(`${prefix}${digit - 1}${'9'.repeat(rest.length)}`))
      }
    }
  })
})
