import { Op } from 'sequelize';
import { hashPassword } from '../auth/passwords.js';
import type { Models } from '../db/models/index.js';
import { badRequest, conflict, forbidden } from '../lib/errors.js';
import { createUserBody, type CreateUserBody } from '../../schemas/api/accounts.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentUser } from './present.js';
import type { ApiRoutes } from './routes.js';

export function userRoutes(api: ApiRoutes, models: Models): void {
  api.add(
    { method: 'post', path: '/api/users', summary: 'Add a user to the agency', tag: 'users', auth: 'agency', access: 'admin', body: createUserBody, status: 201 },
    async (req) => {
      const principal = req.principal!;
      const body = req.body as CreateUserBody;
      if (body.role === 'owner' && principal.role !== 'owner') throw forbidden('Only an owner can add another owner.');
      const email = body.email.trim().toLowerCase();
      const subaccountIds = body.subaccountIds ?? [];
      const found = subaccountIds.length
        ? await models.Subaccount.findAll({ where: { agencyId: principal.agencyId, id: { [Op.in]: subaccountIds } }, attributes: ['id'] })
        : [];
      const missing = subaccountIds.filter((id) => !found.some((s) => s.id === id));
      if (missing.length) {
        throw badRequest(
          'Some sub-accounts do not exist in this agency.',
          missing.map((id) => ({ path: `/subaccountIds/${subaccountIds.indexOf(id)}`, message: 'no such sub-account' })),
        );
      }
      if (await models.User.findOne({ where: { email } })) throw conflict('An account with this email already exists.', 'email_taken');
      const passwordHash = await hashPassword(body.password);
      const user = await models.User.sequelize!.transaction(async (transaction) => {
        const user = await models.User.create(
          { agencyId: principal.agencyId, email, name: body.name ?? null, passwordHash, role: body.role },
          { transaction },
        );
        await models.Member.bulkCreate(subaccountIds.map((subaccountId) => ({ userId: user.id, subaccountId })), { transaction });
        return user;
      });
      return presentUser(user, subaccountIds);
    },
  );

  api.add(
    { method: 'get', path: '/api/users', summary: 'List the agency’s users', tag: 'users', auth: 'agency', access: 'admin', query: pagingQuery },
    async (req) => {
      const page = await paginate(models.User, { agencyId: req.principal!.agencyId }, pageParams(req.query), (u) => u);
      const members = await models.Member.findAll({ where: { userId: { [Op.in]: page.items.map((u) => u.id) } } });
      return {
        items: page.items.map((u) =>
          presentUser(u, u.role === 'owner' || u.role === 'admin' ? null : members.filter((m) => m.userId === u.id).map((m) => m.subaccountId)),
        ),
        nextCursor: page.nextCursor,
      };
    },
  );
}
