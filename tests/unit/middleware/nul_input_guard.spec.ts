import { test } from '@japa/runner'
import { fieldWithNul } from '#middleware/nul_input_guard_middleware'

test.group('fieldWithNul', () => {
  test('names the first field holding a NUL, however deep', ({ assert }) => {
    assert.equal(fieldWithNul({ name: 'Ash\0es' }), 'name')
    assert.equal(fieldWithNul({ title: 'ok', choices: ['Yes', 'N\0o'] }), 'choices.1')
    assert.equal(fieldWithNul({ a: { b: [{ c: '\0' }] } }), 'a.b.0.c')
    assert.equal(fieldWithNul({ ['ke\0y']: 'value' }), 'ke\\0y')
  })

  test('clean input passes', ({ assert }) => {
    assert.isNull(fieldWithNul({ name: 'Ashes', count: 3, on: true, none: null, list: ['a'] }))
    assert.isNull(fieldWithNul({}))
  })
})
