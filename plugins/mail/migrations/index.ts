import type { Migration } from '../../../core/db/migrations.ts';
import { createMailStore } from './0001_mail_store.ts';
import { createListSortIndexes } from './0002_list_sort_indexes.ts';
import { createCatchAll } from './0003_mail_catch_all.ts';

/** The store's migrations; the SMTP queue and the search index add theirs beside them. */
export function createStoreMigrations(): Migration[] {
  return [createMailStore, createListSortIndexes, createCatchAll];
}
