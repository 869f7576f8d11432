import { Op, type Transaction } from 'sequelize';
import { normalizeEmail } from '../auth/email.js';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import type { Role, UserRow } from '../db/models/accounts.js';
import type { Models } from '../db/models/index.js';
import type { EventBus } from '../runtime/events.js';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.js';
import { createUserBody, updateUserBody, type CreateUserBody, type UpdateUserBody } from '../../schemas/api/accounts.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentUser } from './present.js';
import type { ApiRoutes } from './routes.js';
import type { AuditLog } from '../audit/log.js';
import type { CountedLimits } from '../billing/counted-limits.js';

const wide = (role: Role) => role === 'owner' || role === 'admin';

/**
 * Who may change whom, as in n8n and GoHighLevel: owners manage everyone; admins manage admins,
 * builders and viewers, but cannot make anyone an owner nor change or remove an owner. An agency
 * always keeps at least one owner.
 */
function assertMayManage(actor: Principal, target: UserRow, newRole?: Role): void {
  if (actor.role === 'owner') return;
  if (target.role === 'owner') throw forbidden('Only an owner can change or remove an owner.');
  if (newRole === 'owner') throw forbidden('Only an owner can make someone an owner.');
}

/** `limits`: the plan's user limit, when billing is on. */
export function userRoutes(api: ApiRoutes, models: Models, bus: EventBus, audit: AuditLog, limits?: CountedLimits): void {
  const sequelize = models.User.sequelize!;

  /** 400 naming each listed sub-account that is not the agency's. */
  async function assertSubaccounts(agencyId: string, ids: string[]): Promise<void> {
    const found = ids.length ? await models.Subaccount.findAll({ where: { agencyId, id: { [Op.in]: ids } }, attributes: ['id'] }) : [];
    const known = new Set(found.map((s) => s.id));
    const details = ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `/subaccountIds/${i}`, message: 'no such sub-account' }]));
    if (details.length) throw badRequest('Some sub-accounts do not exist in this agency.', details);
  }

  /**
   * Finds the agency's user inside a transaction that holds the agency row, so two owners demoting or
   * removing each other at once cannot both pass the last-owner check (PostgreSQL row lock; SQLite
   * transactions are serial anyway).
   */
  async function lockedUser(agencyId: string, userId: string, transaction: Transaction): Promise<UserRow> {
    await models.Agency.findByPk(agencyId, { transaction, lock: transaction.LOCK.UPDATE, attributes: ['id'] });
    const user = await models.User.findOne({ where: { id: userId, agencyId }, transaction });
    if (!user) throw notFound('user');
    return user;
  }

  async function assertAnotherOwner(user: UserRow, transaction: Transaction): Promise<void> {
    const others = await models.User.count({ where: { agencyId: user.agencyId, role: 'owner', id: { [Op.ne]: user.id } }, transaction });
    if (!others) throw conflict('This is the agency’s last owner: make someone else an owner first.', 'last_owner');
  }

  api.add(
    { method: 'post', path: '/api/users', summary: 'Add a user to the agency', tag: 'users', auth: 'agency', access: 'admin', body: createUserBody, status: 201 },
    async (req) => {
      const principal = req.principal!;
      const body = req.body as CreateUserBody;
      if (body.role === 'owner' && principal.role !== 'owner') throw forbidden('Only an owner can add another owner.');
      const email = normalizeEmail(body.email);
      const subaccountIds = body.subaccountIds ?? [];
      await assertSubaccounts(principal.agencyId, subaccountIds);
      if (await models.User.findOne({ where: { email } })) throw conflict('An account with this email already exists.', 'email_taken');
      await limits?.assertRoom(principal.agencyId, 'users');
      const passwordHash = await hashPassword(body.password);
      const user = await sequelize.transaction(async (transaction) => {
        const user = await models.User.create(
          { agencyId: principal.agencyId, email, name: body.name ?? null, passwordHash, role: body.role },
          { transaction },
        );
        await models.Member.bulkCreate(subaccountIds.map((subaccountId) => ({ userId: user.id, subaccountId })), { transaction });
        return user;
      });
      await audit.record(principal, { action: 'user.created', target: { type: 'user', id: user.id, name: user.email }, fields: ['email', 'role', ...(body.name ? ['name'] : []), ...(subaccountIds.length ? ['subaccountIds'] : [])] });
      return presentUser(user, subaccountIds);
    },
  );

  api.add(
    { method: 'get', path: '/api/users', summary: 'List the agency’s users', tag: 'users', auth: 'agency', access: 'admin', query: pagingQuery },
    async (req) => {
      const page = await paginate(models.User, { agencyId: req.principal!.agencyId }, pageParams(req.query), (u) => u);
      const members = await models.Member.findAll({ where: { userId: { [Op.in]: page.items.map((u) => u.id) } } });
      return {
        items: page.items.map((u) => presentUser(u, wide(u.role) ? null : members.filter((m) => m.userId === u.id).map((m) => m.subaccountId))),
        nextCursor: page.nextCursor,
      };
    },
  );

  api.add(
    {
      method: 'patch',
      path: '/api/users/:uid',
      summary: 'Change a user’s role or the sub-accounts they are given (owners and admins; an agency keeps at least one owner)',
      tag: 'users',
      auth: 'agency',
      access: 'admin',
      body: updateUserBody,
    },
    async (req) => {
      const principal = req.principal!;
      const body = req.body as UpdateUserBody;
      if (body.subaccountIds) await assertSubaccounts(principal.agencyId, body.subaccountIds);
      const fields: string[] = [];
      const { user, subaccountIds } = await sequelize.transaction(async (transaction) => {
        const user = await lockedUser(principal.agencyId, String(req.params.uid), transaction);
        const before = (await models.Member.findAll({ where: { userId: user.id }, attributes: ['subaccountId'], transaction })).map((m) => m.subaccountId).sort();
        if (body.role && body.role !== user.role) fields.push('role');
        if (body.subaccountIds && JSON.stringify([...new Set(body.subaccountIds)].sort()) !== JSON.stringify(before)) fields.push('subaccountIds');
        assertMayManage(principal, user, body.role);
        if (user.role === 'owner' && body.role && body.role !== 'owner') await assertAnotherOwner(user, transaction);
        if (body.role && body.role !== user.role) await user.update({ role: body.role }, { transaction });
        if (body.subaccountIds) {
          await models.Member.destroy({ where: { userId: user.id }, transaction });
          await models.Member.bulkCreate(body.subaccountIds.map((subaccountId) => ({ userId: user.id, subaccountId })), { transaction });
        }
        const members = await models.Member.findAll({ where: { userId: user.id }, attributes: ['subaccountId'], transaction });
        return { user, subaccountIds: members.map((m) => m.subaccountId) };
      });
      // Their open sockets (and their API keys' sockets) check again what they may still see.
      bus.control({ type: 'access', reason: 'changed', userIds: [user.id] });
      if (fields.length) await audit.record(principal, { action: 'user.updated', target: { type: 'user', id: user.id, name: user.email }, fields });
      return presentUser(user, wide(user.role) ? null : subaccountIds);
    },
  );

  api.add(
    {
      method: 'delete',
      path: '/api/users/:uid',
      summary: 'Remove a user: their sessions, API keys and live connections stop working at once',
      tag: 'users',
      auth: 'agency',
      access: 'admin',
      status: 204,
    },
    async (req) => {
      const principal = req.principal!;
      const removed = await sequelize.transaction(async (transaction) => {
        const user = await lockedUser(principal.agencyId, String(req.params.uid), transaction);
        assertMayManage(principal, user);
        if (user.role === 'owner') await assertAnotherOwner(user, transaction);
        // Their keys are revoked (not only orphaned), so listings stop showing them; sessions and
        // memberships go with the user (foreign keys cascade).
        await models.ApiKey.update({ revokedAt: new Date() }, { where: { createdById: user.id, revokedAt: null }, transaction });
        await user.destroy({ transaction });
        return user;
      });
      bus.control({ type: 'access', reason: 'revoked', userIds: [removed.id] });
      await audit.record(principal, { action: 'user.deleted', target: { type: 'user', id: removed.id, name: removed.email } });
    },
  );
}
