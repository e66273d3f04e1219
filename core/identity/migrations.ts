import { sql } from 'kysely';
import type { Migration } from '../db/migrations.ts';

// Identity's tables. Read models (written only by projections.ts): core_org,
// core_domains, core_users, core_app_passwords, core_groups, core_group_members,
// core_grants. Plain tables that are not user data and so not events: core_sessions
// (browser logins) and core_app_password_usage (last use of an app password).
// Times from events are ISO 8601 text (the event's metadata.time, so a rebuild gives
// identical rows); times of the plain tables are integer milliseconds.
export const identityMigrations: Migration[] = [
  {
    name: '0001_identity',
    async up(db) {
      await sql`create table core_org (
        id text primary key,
        name text not null,
        retention_days integer not null,
        created_at text not null
      )`.execute(db);
      await sql`create table core_domains (
        domain text primary key,
        added_at text not null
      )`.execute(db);
      await sql`create table core_users (
        id text primary key,
        email text not null,
        display_name text not null,
        role text not null,
        theme text not null,
        password_hash text not null,
        created_at text not null
      )`.execute(db);
      // Emails are stored lowercase already; the index on lower() is the backstop that
      // makes a duplicate fail the append even if a command raced past the check.
      await sql`create unique index core_users_email on core_users (lower(email))`.execute(db);
      await sql`create index core_users_role on core_users (role)`.execute(db);
      await sql`create table core_app_passwords (
        id text primary key,
        user_id text not null,
        label text not null,
        hash text not null,
        created_at text not null
      )`.execute(db);
      await sql`create index core_app_passwords_user on core_app_passwords (user_id)`.execute(db);
      await sql`create table core_groups (
        id text primary key,
        name text not null,
        created_at text not null
      )`.execute(db);
      await sql`create unique index core_groups_name on core_groups (lower(name))`.execute(db);
      await sql`create table core_group_members (
        group_id text not null,
        user_id text not null,
        added_at text not null,
        primary key (group_id, user_id)
      )`.execute(db);
      await sql`create index core_group_members_user on core_group_members (user_id)`.execute(db);
      // principal_id is '' for the 'org' principal (a primary key column cannot be null everywhere).
      await sql`create table core_grants (
        resource text not null,
        principal_kind text not null,
        principal_id text not null,
        "right" text not null,
        granted_at text not null,
        primary key (resource, principal_kind, principal_id)
      )`.execute(db);
      await sql`create index core_grants_principal on core_grants (principal_kind, principal_id)`.execute(db);

      // Not events: a browser login. Only the sha256 of the token is kept, so a copy of
      // the database does not hand out live sessions.
      await sql`create table core_sessions (
        id text primary key,
        token_hash text not null unique,
        user_id text not null,
        created_at bigint not null,
        last_seen_at bigint not null,
        expires_at bigint not null,
        ip text not null,
        user_agent text not null,
        csrf_secret text not null
      )`.execute(db);
      await sql`create index core_sessions_user on core_sessions (user_id)`.execute(db);
      await sql`create index core_sessions_expires on core_sessions (expires_at)`.execute(db);
      // Not events: when an app password was last used (written at most once a minute each).
      await sql`create table core_app_password_usage (
        app_password_id text primary key,
        user_id text not null,
        last_used_at bigint not null,
        last_used_ip text not null,
        last_used_protocol text not null
      )`.execute(db);
      await sql`create index core_app_password_usage_user on core_app_password_usage (user_id)`.execute(db);
    },
  },
];
