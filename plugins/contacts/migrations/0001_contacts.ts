import type { Migration } from '../../../core/db/migrations.ts';

export const createContacts: Migration = {
  name: '0001_contacts',
  async up(db) {
    await db.schema.createTable('contacts_books')
      .addColumn('book_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('props', 'text', (c) => c.notNull())
      /** Newest change to the book or any card in it: sync token, CTag. */
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('contacts_books_owner').on('contacts_books').columns(['owner', 'slug']).execute();

    await db.schema.createTable('contacts_cards')
      .addColumn('book_id', 'text', (c) => c.notNull())
      .addColumn('card_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('uid_norm', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('fn', 'text', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('emails', 'text', (c) => c.notNull())
      .addColumn('phones', 'text', (c) => c.notNull())
      .addColumn('org', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('has_photo', 'integer', (c) => c.notNull())
      .addColumn('vcard', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      /** Global position of the last change: ETag, and the key of changesSince. */
      .addColumn('position', 'integer', (c) => c.notNull())
      /** The card stream's version (for imports that append many streams at once). */
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .addPrimaryKeyConstraint('contacts_cards_pk', ['book_id', 'card_id'])
      .execute();
    await db.schema.createIndex('contacts_cards_name').on('contacts_cards').columns(['book_id', 'name']).unique().execute();
    await db.schema.createIndex('contacts_cards_position').on('contacts_cards').columns(['book_id', 'position']).execute();
    await db.schema.createIndex('contacts_cards_uid').on('contacts_cards').columns(['book_id', 'uid_norm']).execute();
    await db.schema.createIndex('contacts_cards_list').on('contacts_cards').columns(['book_id', 'deleted_at', 'sort_key']).execute();

    /** Group membership: a group card's MEMBER entries, by normalized member UID. */
    await db.schema.createTable('contacts_members')
      .addColumn('book_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('member_uid', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('contacts_members_pk', ['book_id', 'group_id', 'member_uid'])
      .execute();
    await db.schema.createIndex('contacts_members_member').on('contacts_members').columns(['book_id', 'member_uid']).execute();

    /** The organization directory, fed by identity events (users added, renamed, removed). */
    await db.schema.createTable('contacts_directory')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('contacts_directory_position').on('contacts_directory').columns(['position']).execute();

    /** Shared books a sharee chose to leave (hidden from their home until they join again). */
    await db.schema.createTable('contacts_left')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('book_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('contacts_left_pk', ['user_id', 'book_id'])
      .execute();
  },
};
