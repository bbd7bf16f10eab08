-- A method filter other than GET gets what errors_only has (migration 010): an index that holds exactly the rows of
-- the methods that write, in time order per method, so a page near the top of "my POSTs" reads offset + limit
-- entries of it (activity-sql.ts) instead of walking the rollups minute by minute and reading every row of each
-- minute that holds one. In a log that is mostly GETs those rows are sparse, which made that walk costly: at a
-- million rows with a POST every 17.5 s, 0.51 ms per page over 7 days through activity_page against 0.06 ms
-- through this index (pgbench, generic plans). GET rows are left out, so the reads that make up most of a log pay
-- nothing to keep it (a GET filter matches most rows, and the walk finds them at once). Building it took 0.6 s for
-- 1.6M rows here; inserts wait for the build, as for the other migrations.
CREATE INDEX activity_writes_by_user_time ON activity (user_id, method, created_at DESC, seq DESC) WHERE method <> 'GET';
