import factory from '@adonisjs/lucid/factories'
import User from '#models/user'

export const UserFactory = factory
  .define(User, ({ faker }) => ({
    displayName: faker.person.firstName(),
    email: faker.internet.email().toLowerCase(),
  }))
  .build()
