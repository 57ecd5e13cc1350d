import { type Kysely, sql } from "kysely";

/**
 * Clients (an MSP's tenants) and their sites. Every site already named by a source, a ban, a pending
 * ban or an alert becomes a row of the client `default` (events' sites are added at start, from the
 * event store: see tenancy/site-reconcile.ts). Users, API keys, alert rules and channels gain a
 * client (null = the operator's, seeing every client); bans gain the set of sites they apply to
 * (empty = global) so a firewall bound to sites receives theirs; the audit log records the actor's
 * client so a client admin reads their own trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("clients")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("description", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("sites")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("client", "text", (c) =>
      c.notNull().references("clients.name").onUpdate("cascade").onDelete("restrict"),
    )
    .addColumn("description", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("sites_client_idx").on("sites").column("client").execute();

  await sql`insert into clients (name, description) values ('default', 'Sites that existed before clients')`.execute(
    db,
  );
  // Senders seen but not yet assigned land on the site `default` (the sources table's default).
  await sql`insert into sites (name, client, description)
    values ('default', 'default', 'Senders not yet assigned to a site')`.execute(db);
  await sql`insert into sites (name, client)
    select distinct s, 'default' from (
      select site as s from sources
      union select site from bans
      union select site from pending_bans
      union select site from alerts
      union select site from api_keys where site is not null
    ) used where s <> ''
    on conflict do nothing`.execute(db);

  // The supervisor role (SOC-30): an analyst who also manages rules, scenarios and channels.
  await sql`alter table users drop constraint if exists users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check
    check (role in ('admin', 'supervisor', 'analyst', 'audit'))`.execute(db);

  for (const table of ["users", "api_keys", "alert_rules", "notification_channels"]) {
    await sql`alter table ${sql.table(table)} add column client text
      references clients (name) on update cascade on delete restrict`.execute(db);
  }
  await sql`alter table api_keys add constraint api_keys_site_fk
    foreign key (site) references sites (name) on update cascade on delete restrict`.execute(db);
  await sql`alter table sources add constraint sources_site_fk
    foreign key (site) references sites (name) on update cascade on delete restrict`.execute(db);

  await sql`alter table bans add column sites text[] not null default '{}'`.execute(db);
  await sql`update bans set sites = array[site] where site <> ''`.execute(db);
  await sql`alter table ban_history add column site text not null default ''`.execute(db);
  await sql`alter table enforcement_targets add column sites text[] not null default '{}'`.execute(db);
  await sql`alter table bouncers add column sites text[] not null default '{}'`.execute(db);
  await sql`alter table audit_log add column client text`.execute(db);
  await db.schema.createIndex("audit_log_client_idx").on("audit_log").columns(["client", "at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table audit_log drop column client`.execute(db);
  await sql`alter table bouncers drop column sites`.execute(db);
  await sql`alter table enforcement_targets drop column sites`.execute(db);
  await sql`alter table ban_history drop column site`.execute(db);
  await sql`alter table bans drop column sites`.execute(db);
  await sql`alter table sources drop constraint sources_site_fk`.execute(db);
  await sql`alter table api_keys drop constraint api_keys_site_fk`.execute(db);
  for (const table of ["users", "api_keys", "alert_rules", "notification_channels"]) {
    await sql`alter table ${sql.table(table)} drop column client`.execute(db);
  }
  await sql`update users set role = 'analyst' where role = 'supervisor'`.execute(db);
  await sql`alter table users drop constraint if exists users_role_check`.execute(db);
  await sql`alter table users add constraint users_role_check check (role in ('admin', 'analyst', 'audit'))`.execute(
    db,
  );
  await db.schema.dropTable("sites").execute();
  await db.schema.dropTable("clients").execute();
}
