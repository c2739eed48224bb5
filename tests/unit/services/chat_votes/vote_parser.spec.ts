import { test } from '@japa/runner'
import { parseChatVote } from '#services/chat_votes/vote_parser'
import { voteWords } from '#services/i18n/vote_words'

const votes: Array<[string, number]> = [
  ['1', 1],
  ['3', 3],
  ['  2  ', 2],
  ['!2', 2],
  ['!vote 3', 3],
  ['!VOTE 1', 1],
  ['!Vote   2', 2],
  ['\t!3\n', 3],
]

const notVotes: string[] = [
  '',
  '0',
  '4',
  '01',
  '1.',
  '1 please',
  'I say 2',
  '!vote2',
  '!vote',
  '! 2',
  '!!2',
  '-1',
  '1 2',
  '１',
  '!vote 4',
  'vote 2',
  'gg',
]

test.group('Chat vote parsing', () => {
  test('"{0}" votes for choice {1} of 3')
    .with(votes)
    .run(({ assert }, [text, choice]) => {
      assert.equal(parseChatVote(text, 3), choice)
    })

  test('"{$self}" is not a vote among 3 choices')
    .with(notVotes)
    .run(({ assert }, text) => {
      assert.isNull(parseChatVote(text, 3))
    })

  test('the upper bound follows the number of choices', ({ assert }) => {
    assert.equal(parseChatVote('5', 5), 5)
    assert.isNull(parseChatVote('5', 4))
    assert.isNull(parseChatVote('3', 2))
  })

  test('two digits name one choice, never their first digit', ({ assert }) => {
    assert.equal(parseChatVote('10', 12), 10)
    assert.equal(parseChatVote('!vote 12', 12), 12)
    assert.isNull(parseChatVote('10', 9))
    assert.isNull(parseChatVote('13', 12))
    assert.isNull(parseChatVote('100', 12))
  })
})

test.group('Chat vote parsing: each language’s own word', () => {
  test('the words come from the languages: !vote, !voto, !stimme', ({ assert }) => {
    assert.sameMembers(voteWords(), ['vote', 'voto', 'stimme'])
  })

  test('"{0}" votes for choice {1} with every language’s word')
    .with([
      ['!voto 2', 2],
      ['!VOTO 3', 3],
      ['!Stimme 1', 1],
      ['!vote 2', 2],
      ['2', 2],
      ['!10', 10],
      ['!voto 10', 10],
      ['10', 10],
    ] as const)
    .run(({ assert }, [text, choice]) => {
      assert.equal(parseChatVote(text, 10, voteWords()), choice)
    })

  test('"{$self}" is still chatter')
    .with(['!voto2', '!voto', 'voto 2', '!votar 2', '!stimme 01', '!voto 11', '1 0'])
    .run(({ assert }, text) => {
      assert.isNull(parseChatVote(text, 10, voteWords()))
    })
})
