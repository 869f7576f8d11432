import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { normalizeEmail } from '../../auth/email.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  // Failed sign-in counts shared by every process (server/auth/attempt-counters.ts): key is a SHA-256
  // hex of what is counted, resetAt the end of its window in epoch milliseconds.
  await qi.createTable('login_attempts', {
    key: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    count: { type: DataTypes.INTEGER, allowNull: false },
    resetAt: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('login_attempts', ['resetAt']);
  await qi.addColumn('api_keys', 'expiresAt', { type: DataTypes.DATE, allowNull: true });

  // Emails are now stored NFKC-normalised too; fold the few stored otherwise (unless that would collide).
  const users = await qi.sequelize.query<{ id: string; email: string }>('SELECT "id", "email" FROM "users"', { type: QueryTypes.SELECT });
  const taken = new Set(users.map((u) => u.email));
  for (const user of users) {
    const email = normalizeEmail(user.email);
    if (email === user.email || taken.has(email)) continue;
    taken.add(email);
    await qi.sequelize.query('UPDATE "users" SET "email" = $1 WHERE "id" = $2', { bind: [email, user.id], type: QueryTypes.UPDATE });
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('api_keys', 'expiresAt');
  await qi.dropTable('login_attempts');
}
