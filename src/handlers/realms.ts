/** realms.list */
import type { HandlerContext } from './context.js';
import type { Handler } from './types.js';

export const list: Handler<'realms.list', HandlerContext> = async ({ query }, { store, caller }) => {
  const usage = await store.realmUsage(caller.user.id);
  const realmIds = [...usage.keys()].sort();
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: 'Realm IDs retrieved successfully',
      data: {
        realm_ids: realmIds,
        total: realmIds.length,
        ...(query.include_usage ? { usage: Object.fromEntries(realmIds.map((id) => [id, usage.get(id)!])) } : {}),
      },
    },
  };
};
