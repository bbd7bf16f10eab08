/** activity.list, activity.getStats */
import { RETENTION_DAYS, retentionStart } from '../domain/activity-retention.js';
import { parseDateInput } from '../domain/dates.js';
import { apiError } from '../errors.js';
import type { ActivityFilter } from '../store/types.js';
import type { HandlerContext } from './context.js';
import { pageMetadata, presentActivity } from './present.js';
import type { Handler } from './types.js';

function dateFilter(value: string | undefined, field: string, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const date = parseDateInput(value, 'start', now);
  if (!date) throw apiError('VALIDATION_ERROR', { details: [{ field: `query.${field}`, message: 'is not a valid date' }] });
  return date.toISOString();
}

export const list: Handler<'activity.list', HandlerContext> = async ({ query }, { store, caller, now }) => {
  const page = query.page ?? 1;
  const limit = query.limit ?? 50;
  const filter: ActivityFilter = {
    since: retentionStart(now),
    startDate: dateFilter(query.start_date, 'start_date', now),
    endDate: dateFilter(query.end_date, 'end_date', now),
    minStatus: query.errors_only === 'true' ? Math.max(400, query.min_status ?? 400) : query.min_status,
    maxStatus: query.max_status,
    method: query.method,
    realmId: query.realm_id?.toLowerCase(),
  };
  if (filter.startDate && filter.endDate && filter.startDate > filter.endDate) {
    throw apiError('VALIDATION_ERROR', { details: [{ field: 'query.start_date', message: 'must not be after end_date' }] });
  }
  if (query.min_status !== undefined && query.max_status !== undefined && query.min_status > query.max_status) {
    throw apiError('VALIDATION_ERROR', { details: [{ field: 'query.min_status', message: 'must not be above max_status' }] });
  }
  const { items, total } = await store.listActivity(caller.user.id, filter, page, limit);
  return {
    status: 200,
    body: { statusCode: 200, message: 'Activity logs retrieved successfully', data: items.map(presentActivity), metadata: pageMetadata(total, page, limit) },
  };
};

export const getStats: Handler<'activity.getStats', HandlerContext> = async (_input, { store, caller, now }) => {
  const stats = await store.activityStats(caller.user.id, retentionStart(now));
  return {
    status: 200,
    body: {
      statusCode: 200,
      message: 'Activity stats retrieved successfully',
      data: {
        total_size_bytes: stats.totalSizeBytes,
        total_records: stats.totalRecords,
        oldest_record: stats.oldest,
        newest_record: stats.newest,
        retention_days: RETENTION_DAYS,
      },
    },
  };
};
