-- vault.list is "sorted by key", and the memory store sorts by code unit (uppercase before lowercase, `-` and
-- `.` before digits). `ORDER BY key` followed the database's default collation instead: the same on a C or C.UTF-8
-- database, but on one created under en_US.UTF-8 or an ICU locale (what initdb and most managed services pick)
-- keys came with cases interleaved and `_` moved (ICU en-US: `_c 0 a A b B`, against byte order's `0 A B _c a b`),
-- so the two stores, or two databases, paged the same keys in different orders. Keys hold only ASCII letters, digits
-- and `._-` (VaultKey), so byte order is code-unit order. The primary key is rebuilt in the new collation, so listing
-- stays an index scan; "C" compares bytes, the cheapest of collations. The rows are not rewritten (same type), only
-- the index: 0.17 s for 100,000 entries here, and vault writes wait for it, as for the other migrations.
ALTER TABLE vault_entries ALTER COLUMN key TYPE text COLLATE "C";
