import type { Kysely } from 'kysely';
import type { Database, User } from '../schema.js';

type Db = Kysely<Database>;

export async function createUser(db: Db, input: { email: string; name: string; passwordHash: string }): Promise<User | undefined> {
  return db
    .insertInto('users')
    .values({ email: input.email, name: input.name, password_hash: input.passwordHash })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
}
