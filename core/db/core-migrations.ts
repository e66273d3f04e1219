import { sql } from 'kysely';
import type { Migration } from './migrations.ts';

// The log's schema is meant to be read by people: one row per event, JSON as text.
export const coreMigrations: Migration[] = [
  {
    name: '0001_event_log',
    async up(db) {
      await sql`create table core_events (
        position integer primary key autoincrement,
        stream text not null,
        stream_position integer not null,
        type text not null,
        data text not null,
        metadata text not null,
        recorded_at integer not null,
        unique (stream, stream_position)
      )`.execute(db);
      await sql`create index core_events_recorded_at on core_events (recorded_at)`.execute(db);
      await sql`create index core_events_type on core_events (type, position)`.execute(db);
      await sql`create table core_streams (
        stream text primary key,
        version integer not null,
        last_position integer not null
      )`.execute(db);
      await sql`create table core_idempotency (
        key text primary key,
        stream text not null,
        first_position integer not null,
        last_position integer not null,
        version integer not null,
        recorded_at integer not null
      )`.execute(db);
      await sql`create table core_event_blobs (
        position integer not null,
        sha256 text not null,
        primary key (position, sha256)
      )`.execute(db);
      await sql`create index core_event_blobs_sha on core_event_blobs (sha256)`.execute(db);
      await sql`create table core_projections (
        name text primary key,
        version integer not null,
        position integer not null,
        updated_at integer not null
      )`.execute(db);
    },
  },
  {
    name: '0002_inline_blobs',
    async up(db) {
      // Small blobs live here (core/blobs/inline-blobs.ts), written with the event that refers to them.
      await sql`create table core_blob_data (
        sha256 text primary key,
        size integer not null,
        data blob not null,
        created_at integer not null
      ) without rowid`.execute(db);
    },
  },
];
