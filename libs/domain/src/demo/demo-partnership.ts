/**
 * The demo partnership: a Rotterdam-style safety-house partnership around people leaving prison.
 * Names are those of real kinds of organisation; every person and case in the demo is fictional.
 */

/** Short handle used by the demo cases to name an agency. */
export type DemoAgencyKey = 'city' | 'probation' | 'police' | 'prison' | 'housing' | 'health' | 'mentalHealth' | 'exit';

export interface DemoAgency {
  key: DemoAgencyKey;
  name: string;
  kind: string;
  email: string;
  locale: string;
  timezone: string;
  country: string;
}

export interface DemoUser {
  email: string;
  name: string;
  agency: DemoAgencyKey;
  roles: Array<'admin' | 'case_manager' | 'agency_staff'>;
  /** What the person does in the demo, for the printed login table. */
  label: string;
}

/** One password for every demo user: the demo is for showing, never for real data. */
export const DEMO_PASSWORD = 'convene-demo';

const nl = { locale: 'nl', timezone: 'Europe/Amsterdam', country: 'NL' } as const;

export const DEMO_AGENCIES: readonly DemoAgency[] = [
  { key: 'city', name: 'Gemeente Rotterdam — Veiligheid', kind: 'local_authority', email: 'veiligheid@rotterdam.demo.convene.local', ...nl },
  { key: 'probation', name: 'Reclassering Nederland — Rotterdam', kind: 'probation', email: 'rotterdam@reclassering.demo.convene.local', ...nl },
  { key: 'police', name: 'Politie Rotterdam', kind: 'police', email: 'zorg-veiligheid@politie.demo.convene.local', ...nl },
  { key: 'prison', name: 'PI Rotterdam', kind: 'prison', email: 'casemanagement@pi-rotterdam.demo.convene.local', ...nl },
  { key: 'housing', name: 'Woonstad Rotterdam', kind: 'housing', email: 'bijzondere-doelgroepen@woonstad.demo.convene.local', ...nl },
  { key: 'health', name: 'GGD Rotterdam-Rijnmond', kind: 'health', email: 'openbare-ggz@ggd.demo.convene.local', ...nl },
  { key: 'mentalHealth', name: 'Antes — forensische zorg', kind: 'mental_health', email: 'fact@antes.demo.convene.local', ...nl },
  { key: 'exit', name: 'Exit-programma Rotterdam', kind: 'exit_programme', email: 'team@exit.demo.convene.local', ...nl },
];

export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'sanne.devries@rotterdam.demo.convene.local', name: 'Sanne de Vries', agency: 'city', roles: ['case_manager'], label: 'case manager (coordinator)' },
  { email: 'daan.bakker@rotterdam.demo.convene.local', name: 'Daan Bakker', agency: 'city', roles: ['agency_staff'], label: 'city staff' },
  { email: 'fatima.elidrissi@reclassering.demo.convene.local', name: 'Fatima El Idrissi', agency: 'probation', roles: ['agency_staff'], label: 'probation officer' },
  { email: 'mark.jansen@politie.demo.convene.local', name: 'Mark Jansen', agency: 'police', roles: ['agency_staff'], label: 'police liaison' },
  { email: 'ingrid.smit@pi-rotterdam.demo.convene.local', name: 'Ingrid Smit', agency: 'prison', roles: ['agency_staff'], label: 'prison case manager' },
  { email: 'kees.vandijk@woonstad.demo.convene.local', name: 'Kees van Dijk', agency: 'housing', roles: ['agency_staff'], label: 'housing officer' },
  { email: 'noor.hendriks@ggd.demo.convene.local', name: 'Noor Hendriks', agency: 'health', roles: ['agency_staff'], label: 'public health nurse' },
  { email: 'lucas.meijer@antes.demo.convene.local', name: 'Lucas Meijer', agency: 'mentalHealth', roles: ['agency_staff'], label: 'forensic psychiatrist' },
  { email: 'yara.mansour@exit.demo.convene.local', name: 'Yara Mansour', agency: 'exit', roles: ['agency_staff'], label: 'exit-programme mentor' },
];
