import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The whole first schema: identity, pathways, cases, tasks, timers, reminders, outbox, audit. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL,
        email text,
        webhook_url text,
        webhook_secret text,
        locale text NOT NULL DEFAULT 'en',
        timezone text NOT NULL DEFAULT 'Europe/Amsterdam',
        country text NOT NULL DEFAULT 'NL',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        agency_id uuid REFERENCES agencies(id),
        roles text[] NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));

      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        ip text,
        succeeded boolean NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX login_attempts_email_at ON login_attempts (lower(email), at DESC);

      CREATE TABLE pathways (
        key text PRIMARY KEY,
        title text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE pathway_versions (
        key text NOT NULL REFERENCES pathways(key),
        version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
        definition jsonb NOT NULL,
        checksum text NOT NULL,
        source text NOT NULL DEFAULT 'api',
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        published_by uuid REFERENCES users(id),
        PRIMARY KEY (key, version)
      );
      CREATE UNIQUE INDEX pathway_versions_one_published ON pathway_versions (key) WHERE status = 'published';

      CREATE TABLE case_reference_counters (
        year integer PRIMARY KEY,
        last integer NOT NULL
      );

      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        subject jsonb NOT NULL,
        lead_agency_id uuid NOT NULL REFERENCES agencies(id),
        key_dates jsonb NOT NULL DEFAULT '{}',
        lawful_basis text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      );
      CREATE INDEX cases_status_created ON cases (status, created_at DESC);
      CREATE INDEX cases_lead_agency ON cases (lead_agency_id);

      CREATE TABLE case_participants (
        case_id uuid NOT NULL REFERENCES cases(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        role text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by uuid REFERENCES users(id),
        PRIMARY KEY (case_id, agency_id, role)
      );
      CREATE INDEX case_participants_agency ON case_participants (agency_id, case_id);

      CREATE TABLE pathway_instances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        pathway_key text NOT NULL,
        version integer NOT NULL,
        snapshot jsonb NOT NULL,
        state_value jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'done', 'cancelled')),
        revision integer NOT NULL DEFAULT 1,
        started_by_instance_id uuid REFERENCES pathway_instances(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (pathway_key, version) REFERENCES pathway_versions(key, version)
      );
      CREATE INDEX pathway_instances_case ON pathway_instances (case_id);
      CREATE INDEX pathway_instances_key_status ON pathway_instances (pathway_key, version, status);

      CREATE TABLE case_events (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        instance_id uuid REFERENCES pathway_instances(id),
        type text NOT NULL,
        data jsonb,
        actor_user_id uuid REFERENCES users(id),
        actor_agency_id uuid REFERENCES agencies(id),
        from_state jsonb,
        to_state jsonb,
        revision integer,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX case_events_case_at ON case_events (case_id, at DESC);

      CREATE TABLE conferences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        scheduled_at timestamptz NOT NULL,
        duration_minutes integer NOT NULL DEFAULT 60,
        location text,
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
        sequence integer NOT NULL DEFAULT 0,
        minutes_text text,
        decisions jsonb,
        minutes_recorded_at timestamptz,
        minutes_recorded_by uuid REFERENCES users(id),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX conferences_case ON conferences (case_id, scheduled_at DESC);

      CREATE TABLE conference_invitees (
        conference_id uuid NOT NULL REFERENCES conferences(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        attended boolean,
        apologies text,
        recorded_at timestamptz,
        PRIMARY KEY (conference_id, agency_id)
      );

      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        instance_id uuid REFERENCES pathway_instances(id),
        conference_id uuid REFERENCES conferences(id),
        state_id text,
        task_key text,
        title text NOT NULL,
        assignee_role text,
        assignee_agency_id uuid REFERENCES agencies(id),
        due_at timestamptz,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        spec jsonb,
        outcome text,
        note text,
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id),
        completed_at timestamptz,
        completed_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tasks_inbox ON tasks (assignee_agency_id, status, due_at);
      CREATE INDEX tasks_case ON tasks (case_id, created_at DESC);
      CREATE INDEX tasks_instance_open ON tasks (instance_id, state_id) WHERE status = 'open';

      CREATE TABLE timers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        instance_id uuid NOT NULL REFERENCES pathway_instances(id),
        timer_id text NOT NULL,
        event text NOT NULL,
        fire_at timestamptz NOT NULL,
        revision integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled', 'stale')),
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        UNIQUE (instance_id, timer_id, revision)
      );
      CREATE INDEX timers_pending ON timers (fire_at) WHERE status = 'pending';

      CREATE TABLE reminders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        task_id uuid REFERENCES tasks(id),
        conference_id uuid REFERENCES conferences(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'cancelled', 'skipped')),
        rule jsonb NOT NULL,
        generation integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX reminders_case ON reminders (case_id, due_at);
      CREATE INDEX reminders_pending ON reminders (due_at) WHERE status = 'pending';
      CREATE INDEX reminders_task ON reminders (task_id) WHERE task_id IS NOT NULL;
      CREATE INDEX reminders_conference ON reminders (conference_id) WHERE conference_id IS NOT NULL;

      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        kind text NOT NULL,
        title text NOT NULL,
        link text NOT NULL,
        task_id uuid REFERENCES tasks(id),
        conference_id uuid REFERENCES conferences(id),
        reminder_id uuid REFERENCES reminders(id),
        due_at timestamptz,
        rule jsonb,
        dedupe_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      );
      CREATE INDEX notifications_agency ON notifications (agency_id, created_at DESC);
      CREATE INDEX notifications_case ON notifications (case_id, created_at DESC);

      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id uuid NOT NULL REFERENCES notifications(id),
        channel text NOT NULL CHECK (channel IN ('webhook', 'email')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'retrying', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        last_status integer,
        last_error text,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (notification_id, channel)
      );

      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        job_id text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      );
      CREATE INDEX outbox_unrelayed ON outbox (id) WHERE relayed_at IS NULL;

      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      );

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        user_id uuid,
        agency_id uuid,
        action text NOT NULL,
        case_id uuid,
        resource text,
        resource_id text,
        detail jsonb,
        request_id text
      );
      CREATE INDEX audit_log_case ON audit_log (case_id, at DESC);
      CREATE INDEX audit_log_at ON audit_log (at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_log, idempotency_keys, outbox, deliveries, notifications, reminders, timers,
        tasks, conference_invitees, conferences, case_events, pathway_instances, case_participants,
        cases, case_reference_counters, pathway_versions, pathways, login_attempts, users, agencies;
    `);
  }
}
