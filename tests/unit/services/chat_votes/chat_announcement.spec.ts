import { test } from '@japa/runner'
import {
  CHAT_MESSAGE_LIMIT,
  announcementMessages,
  howToVote,
  packMessages,
  resultMessages,
} from '#services/chat_votes/chat_announcement'

test.group('Chat announcements', () => {
  test('the question fits one message: title, numbered choices, how to vote, how long', ({
    assert,
  }) => {
    const messages = announcementMessages({
      title: 'Open the door?',
      choices: ['Yes', 'No', 'Knock first'],
      durationSeconds: 120,
    })
    assert.deepEqual(messages, [
      'Vote: Open the door? · 1 = Yes · 2 = No · 3 = Knock first · type 1, 2 or 3 in chat (or !vote N), 2 min to vote',
    ])
  })

  test('durations that are not whole minutes are said in seconds', ({ assert }) => {
    const [message] = announcementMessages({ title: 'Q', choices: ['A', 'B'], durationSeconds: 90 })
    assert.include(message, 'type 1 or 2 in chat')
    assert.include(message, '90 s to vote')
  })

  test('a text past 500 characters is split between parts, never inside a choice', ({ assert }) => {
    const choices = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(120)}${i}`)
    const messages = announcementMessages({ title: 'Long', choices, durationSeconds: 60 })
    assert.isAbove(messages.length, 1)
    for (const message of messages) assert.isAtMost(message.length, CHAT_MESSAGE_LIMIT)
    const joined = messages.join(' · ')
    choices.forEach((choice, index) => assert.include(joined, `${index + 1} = ${choice}`))
  })

  test('one part longer than the limit is cut at a space', ({ assert }) => {
    const words = Array.from({ length: 200 }, () => 'word').join(' ')
    const messages = packMessages([words], 100)
    assert.isAbove(messages.length, 1)
    for (const message of messages) {
      assert.isAtMost(message.length, 100)
      assert.notMatch(message, /^ | $/)
    }
    assert.equal(messages.join(' '), words)
  })

  test('the result names the winner with percentages of all channels', ({ assert }) => {
    const [message] = resultMessages('Open the door?', [
      { title: 'Yes', votes: 30 },
      { title: 'No', votes: 10 },
    ])
    assert.equal(
      message,
      'Results (all channels): Open the door? · 1 = Yes 75% (30) · 2 = No 25% (10) · winner: Yes'
    )
  })

  test('a tie and an empty vote are said as such', ({ assert }) => {
    const tie = resultMessages('Q', [
      { title: 'A', votes: 2 },
      { title: 'B', votes: 2 },
    ])
    assert.match(tie[0], /tie: A \/ B$/)
    const none = resultMessages('Q', [
      { title: 'A', votes: 0 },
      { title: 'B', votes: 0 },
    ])
    assert.match(none[0], /no votes$/)
  })

  test('how to vote lists every number', ({ assert }) => {
    assert.equal(howToVote(2), 'type 1 or 2 in chat')
    assert.equal(howToVote(5), 'type 1, 2, 3, 4 or 5 in chat')
  })
})
